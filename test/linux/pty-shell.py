# Test helper for debian-linux.spec: runs a command on a pseudo-terminal, waits for the shell prompt, types
# each command of argv[1] (a JSON list of [line, marker]) and waits until the terminal shows its marker after
# it, then types Ctrl-A x. Prints what the terminal showed, then "STATUS <exit status>". No marker within
# the time limit is not an error here: the caller's checks on the output fail instead.
import json, os, pty, select, sys, time

def main():
    steps = json.loads(sys.argv[1])
    argv = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen = b""
    def read_until(marker, start, timeout):
        nonlocal seen
        end = time.time() + timeout
        while marker not in seen[start:] and time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                seen += chunk
    limit = float(os.environ.get("PTY_TIMEOUT", "600"))
    read_until(os.environ.get("PTY_WAIT", "/ # ").encode("latin1"), 0, limit)
    for line, marker in steps:
        start = len(seen)
        for ch in line.encode("latin1") + b"\r":
            os.write(fd, bytes([ch]))
            time.sleep(0.01)
        read_until(marker.encode("latin1"), start, limit)
    os.write(fd, b"\x01x")
    read_until(b"Ctrl-A x", 0, 60)
    read_until(b"\0(drain to the end)", 0, 10)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode("latin1"))
    sys.stdout.write("\nSTATUS %d\n" % os.waitstatus_to_exitcode(status))

main()

# Test helper: runs a command on a pseudo-terminal, types lines as a user would, then Ctrl-A x, and
# prints what the terminal showed followed by "STATUS <exit status>". Used by console-input.test.ts.
# It starts typing once the terminal shows PTY_WAIT (default "shell> ", the guest's prompt).
import os, pty, select, sys, time

def main():
    argv = sys.argv[1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen = b""
    def read_until(marker, timeout=60):
        nonlocal seen
        end = time.time() + timeout
        while marker not in seen and time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                seen += chunk
    read_until(os.environ.get("PTY_WAIT", "shell> ").encode("latin1"))
    for line in [b"hello pty", b"second line"]:
        for ch in line + b"\r":
            os.write(fd, bytes([ch]))
            time.sleep(0.01)
        read_until(b"you typed: " + line)
    os.write(fd, b"\x01x")
    read_until(b"Ctrl-A x", 30)
    read_until(b"\0(drain to the end)", 30)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode("latin1"))
    sys.stdout.write("\nSTATUS %d\n" % os.waitstatus_to_exitcode(status))

main()

// The kernel's only view of files: a synchronous read by path that returns bytes or a reason. The CLI
// implements it over the disk (host/node/node-files.ts), the web page over files it fetched or the user
// dropped (web/). Nothing here touches a real file system.

/** Why a read failed: no such file, a folder, or anything else (with the host's message). */
export type FileReadFailure =
  | { readonly ok: false; readonly reason: "missing" }
  | { readonly ok: false; readonly reason: "directory" }
  | { readonly ok: false; readonly reason: "other"; readonly message: string };

/** The bytes of a file, or why there are none. */
export type FileRead = { readonly ok: true; readonly bytes: Uint8Array } | FileReadFailure;

/** Read access to the files a module names (its XML, guest images, Multiboot modules, libpv). */
export interface HostFiles {
  /** The whole file at `path` (a POSIX path, absolute or relative to the host's working folder). */
  read(path: string): FileRead;
  /** `path` in a form that does not depend on the host's working folder (recorded in module snapshots). */
  absolute(path: string): string;
}

/** What a module run needs from its host: file access and where libpv lives in that file space. */
export interface ModuleHost {
  readonly files: HostFiles;
  /** Path of libpv (the host library every PV partition maps) in `files`. */
  readonly libpvPath: string;
}

/** A failed read in words: "no such file", "it is a directory" or the host's message. */
export function describeFailure(f: FileReadFailure): string {
  switch (f.reason) {
    case "missing":
      return "no such file";
    case "directory":
      return "it is a directory";
    case "other":
      return f.message;
    default: {
      const never: never = f;
      throw new Error(`unknown read failure ${JSON.stringify(never)}`);
    }
  }
}

/** UTF-8 text of bytes (the XML reader's input); invalid sequences become U+FFFD as in Node. */
export function utf8Text(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

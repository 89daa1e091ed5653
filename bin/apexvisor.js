#!/usr/bin/env node
// Entry point of the `apexvisor` command: runs the compiled CLI (npm run build:ts makes dist/).
"use strict";
const path = require("path");
const fs = require("fs");
const main = path.join(__dirname, "..", "dist", "kernel", "cli", "main.js");
if (!fs.existsSync(main)) {
  process.stderr.write("apexvisor: not built yet; run `npm run build` in " + path.join(__dirname, "..") + "\n");
  process.exit(2);
}
// A reader that stops early (`apexvisor validate … | head`) ends the command quietly, with the status a
// shell shows for a program ended by SIGPIPE; run and boot also stop their guests at that point.
process.stdout.on("error", (err) => {
  if (err && err.code === "EPIPE") process.exit(141);
  throw err;
});
require(main).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(String(err && err.stack ? err.stack : err) + "\n"); process.exitCode = 70; },
);

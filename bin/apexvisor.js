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
require(main).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(String(err && err.stack ? err.stack : err) + "\n"); process.exitCode = 70; },
);

// Validate one glTF/GLB file with the Khronos glTF Validator and print its JSON report on stdout.
// Usage: node tests/gltf_validate.js FILE.glb   (the validator is installed by `make setup` into .tools/)
"use strict";
const fs = require("fs");
const path = require("path");

const modulePath = path.resolve(__dirname, "..", ".tools", "node_modules", "gltf-validator");
let validator;
try {
    validator = require(modulePath);
} catch (e) {
    console.error(`gltf-validator is not installed at ${modulePath}: run \`make setup\``);
    process.exit(2);
}
const file = process.argv[2];
if (!file) {
    console.error("usage: node gltf_validate.js FILE.glb");
    process.exit(2);
}
validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {
    uri: path.basename(file),
    maxIssues: 0,         // report every issue
    writeTimestamp: false,
}).then((report) => {
    process.stdout.write(JSON.stringify(report, null, 1) + "\n");
}, (error) => {
    console.error(`validation failed to run: ${error}`);
    process.exit(3);
});

#!/bin/sh
# Builds the VS Code extension (toe-language-VERSION.vsix) and tests its grammar.
# Needs Node.js 18 or later; run from anywhere: editors/vscode/build.sh
set -e
cd "$(dirname "$0")"
npm install --no-audit --no-fund
npm run test:resolve
npm run test:grammar
npm run test:examples
npm run package

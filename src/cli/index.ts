#!/usr/bin/env node
// First: on a Node.js without node:sqlite, say which Node is needed and exit 2 before anything loads it.
import '../node-version';
import { quietSqliteExperimentalWarning } from '../quiet-sqlite-warning';
import { runCli } from './run-cli';

quietSqliteExperimentalWarning();

runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Unexpected error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);

'use strict';
// "mongosh" for the generated shell commands RunShell runs: it hands its
// arguments, environment and working directory to the mongoshtest server
// (driver.js) as one case, writes the case's stdout and stderr, and exits
// with its exit code. A plain Node.js script starts in a few tens of
// milliseconds; mongosh itself takes about a second.
const net = require('net');

const env = { ...process.env };
const sock = env.MONGOSHTEST_SOCKET;
delete env.MONGOSHTEST_SOCKET;
delete env.MONGOSHTEST_CLIENT;
const conn = net.createConnection({ path: sock });
conn.setEncoding('utf8');
let buf = '';
conn.on('data', (d) => {
  buf += d;
  const i = buf.indexOf('\n');
  if (i < 0) return;
  const res = JSON.parse(buf.slice(0, i));
  process.stdout.write(res.stdout);
  process.stderr.write(res.stderr);
  process.exitCode = res.exit;
  conn.end();
});
conn.on('error', (e) => {
  process.stderr.write('mongoshtest client: ' + e.message + '\n');
  process.exitCode = 125;
});
conn.write(JSON.stringify({ args: process.argv.slice(2), env, cwd: process.cwd() }) + '\n');

'use strict';
// The mongoshtest server (see server.go): one mongosh process that runs
// many mongosh invocations ("cases") one after another, each as mongosh
// 2.12.0 would run it as its own process. It is plain Node.js, loaded with
// require() from `mongosh --nodb --quiet --eval`, so mongosh's async
// rewriter does not touch it; the cases' --eval scripts and files go
// through the calls the CLI makes (cli-repl.js loadCommandLineFilesAndEval:
// MongoshNodeRepl loadExternalCode, loadExternalFile).
//
// A case is one JSON line on a Unix socket connection:
//   {"args": [...], "env": {...}, "cwd": "..."}
// and its answer one JSON line: {"stdout": "...", "stderr": "...", "exit": N}.
//
// What makes a case look like a fresh process:
// - args are parsed by mongosh's own parser (cli-repl arg-parser.js) and
//   the connection string built by @mongosh/arg-parser, as run.js does;
//   without --nodb, db is connect()ed to it, as the CLI connects first.
// - process.env is exactly the case's env, the working directory its cwd.
// - quit()/exit() (and process.exit) throw an error marked
//   Symbol.for('@@mongosh.uncatchable'): the async rewriter's
//   uncatchable-exceptions stage makes every try/catch in the script
//   rethrow it and skips its finally blocks, so nothing after quit() runs,
//   as when the process ends (shell-api.js exit: close, then onExit).
// - every Mongo the case opened (new Mongo(), connect(), the initial db)
//   is closed after it, as instanceState.close() does on exit, and db is
//   the --nodb placeholder again.
// - globals the case created (top-level const/let/var/function become
//   context globals: async-rewriter2 wrap-as-iife.js) are reset to
//   undefined, and changed built-in globals are restored, so `let x;` in
//   one case never sees another case's x.
// - stdout/stderr writes (print() ends in process.stdout.write:
//   mongosh-repl.js onPrint) are captured per case.
// - a case that ended while its script still runs (a quit() in a callback,
//   an uncaught error in one) answers {"restart": true} and the server
//   exits: the Go side starts a fresh one, so nothing of it runs on.
// internal/mongoshtest's TestServerMatchesProcess checks these against
// mongosh processes.

const net = require('net');

const kUncatchable = Symbol.for('@@mongosh.uncatchable');

class CaseExit extends Error {
  constructor(code) {
    super('mongoshtest: the case called quit(' + (code === undefined ? '' : code) + ')');
    this.name = 'CaseExit';
    this.exitCode = code === undefined ? 0 : Number(code);
    this[kUncatchable] = true;
  }
}

// mongosh scripts have no top-level await; a promise marked as mongosh's
// own (async-rewriter2 runtime support: syntheticPromise) is awaited
// implicitly, so the --eval waits until the server ends.
module.exports = function (ctx, socketPath) {
  const p = serve(ctx, socketPath);
  p[Symbol.for('@@mongosh.syntheticPromise')] = true;
  return p;
};

// instanceStateOf finds mongosh's ShellInstanceState, which the log
// global holds under a private symbol (shell-api shell-log.js).
function instanceStateOf(ctx) {
  for (const sym of Object.getOwnPropertySymbols(ctx.log)) {
    const v = ctx.log[sym];
    if (v && v.evaluationListener && Array.isArray(v.mongos) && typeof v.close === 'function') return v;
  }
  throw new Error('mongoshtest: mongosh instance state not found on log (a mongosh change?)');
}

async function serve(ctx, socketPath) {
  const fromMain = (m) => require.main.require(m);
  const { parseMongoshArgs } = fromMain('../lib/arg-parser');
  const { generateConnectionInfoFromCliArgs } = fromMain('@mongosh/arg-parser');

  const { fullDepthInspectOptions } = fromMain('../lib/format-output');
  const state = instanceStateOf(ctx);
  const repl = state.evaluationListener; // MongoshNodeRepl (mongosh-repl.js)
  const nodb = state.currentDb;
  ctx.quit = ctx.exit = function quit(code) { throw new CaseExit(code); };

  // The globals as they are between cases.
  const baseline = new Map();
  for (const k of Object.getOwnPropertyNames(ctx)) {
    const d = Object.getOwnPropertyDescriptor(ctx, k);
    if (d && 'value' in d) baseline.set(k, d.value);
    else baseline.set(k, undefined);
  }
  function resetGlobals() {
    for (const k of Object.getOwnPropertyNames(ctx)) {
      const d = Object.getOwnPropertyDescriptor(ctx, k);
      if (!d || !('value' in d) || !d.writable) continue;
      const want = baseline.has(k) ? baseline.get(k) : undefined;
      if (d.value !== want) {
        try { ctx[k] = want; } catch { /* a frozen global stays */ }
      }
    }
  }

  const realExit = process.exit;
  const out = process.stdout, err = process.stderr;
  const realOut = out.write, realErr = err.write;
  const baseEnv = { ...process.env };
  const baseCwd = process.cwd();
  let current = null; // the running case's {stdout, stderr, onExit}

  const capture = (key) => function (chunk, encoding, cb) {
    if (current) current[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (typeof encoding === 'function') encoding();
    else if (typeof cb === 'function') cb();
    return true;
  };

  function setEnv(env) {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, env);
  }

  // A quit() in a callback, or any error nothing caught, reaches here.
  process.on('uncaughtException', (e) => {
    if (current) current.onExit(e);
    else realErr.call(err, 'mongoshtest: uncaught between cases: ' + (e && e.stack) + '\n');
  });
  process.on('unhandledRejection', (e) => {
    if (current) current.onExit(e);
  });

  async function run(req) {
    const c = { stdout: '', stderr: '', exit: 0 };
    let exited;
    const exitPromise = new Promise((resolve) => { exited = resolve; });
    c.onExit = (e) => { c.restart = true; exited(e); };
    current = c;
    setEnv(req.env || {});
    process.chdir(req.cwd || baseCwd);
    out.write = capture('stdout');
    err.write = capture('stderr');
    process.exit = (code) => { throw new CaseExit(code); };
    const outcome = (e) => {
      if (e instanceof CaseExit || (e && e[kUncatchable] && e.exitCode !== undefined)) {
        c.exit = e.exitCode;
      } else if (e !== undefined) {
        // As run.js reports an error that ends mongosh.
        c.stderr += (e && e.name) + ': ' + (e && e.message) + '\n';
        c.exit = 1;
      }
    };
    try {
      const { parsed, warnings } = parseMongoshArgs(['node', 'mongosh', ...(req.args || [])]);
      for (const w of warnings) c.stderr += w + '\n';
      const body = async () => {
        if (!parsed.nodb) {
          const info = generateConnectionInfoFromCliArgs(parsed);
          ctx.db = await ctx.connect(info.connectionString, parsed.username, parsed.password);
        }
        // As cli-repl.js loadCommandLineFilesAndEval: the --eval
        // scripts, the last value printed, then the files.
        let last;
        for (const script of parsed.eval || []) {
          last = await repl.loadExternalCode(script, '@(shell eval)');
        }
        if (last !== undefined) {
          process.stdout.write(repl.writer(last, parsed.deepInspect !== false ? fullDepthInspectOptions : undefined) + '\n');
        }
        for (const f of parsed.fileNames || []) {
          await repl.loadExternalFile(f);
        }
      };
      const e = await Promise.race([body().then(() => undefined, (e) => e), exitPromise]);
      outcome(e);
    } catch (e) {
      outcome(e);
    }
    // As exit does (shell-api.js exit: instanceState.close()), then back
    // to --nodb's placeholder db.
    try { await state.close(); } catch { /* already closed */ }
    state.currentDb = nodb;
    current = null;
    out.write = realOut;
    err.write = realErr;
    process.exit = realExit;
    resetGlobals();
    setEnv(baseEnv);
    process.chdir(baseCwd);
    return { stdout: c.stdout, stderr: c.stderr, exit: c.exit, restart: !!c.restart };
  }

  // One case at a time, in arrival order.
  let queue = Promise.resolve();
  const server = net.createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        queue = queue.then(async () => {
          let res;
          try {
            res = await run(JSON.parse(line));
          } catch (e) {
            res = { stdout: '', stderr: 'mongoshtest: ' + (e && e.stack) + '\n', exit: 125 };
          }
          conn.write(JSON.stringify(res) + '\n', () => {
            if (res.restart) realExit.call(process, 0);
          });
        });
      }
    });
    conn.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(socketPath, resolve));
  realOut.call(out, 'mongoshtest: ready\n');
  // The test binary holds stdin; it ends when the binary exits.
  await new Promise((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.resume();
  });
  server.close();
  realExit.call(process, 0);
}

'use strict';
// Test shim of TestScriptConnectionsInMongosh: required (plain Node.js, so
// mongosh's async rewriter leaves it alone) from a --eval that runs before
// the script's --file, it wraps the shell's global Mongo (shell-api
// shell-instance-state.js setCtx: Mongo(...args) calls ShellApi.Mongo,
// which builds a Mongo and connects it) and appends one JSON line to log
// for every connection the script opens:
//   uri      the connection string the script passed to new Mongo()
//   driver   the options the driver (mongodb 7.9.1) parsed from it
//            (MongoClient.options), once connected
// The script itself runs unchanged: the wrapper returns the same promise.
module.exports = function (ctx, log) {
  const fs = require('fs');
  const real = ctx.Mongo;
  const write = (v) => fs.appendFileSync(log, JSON.stringify(v) + '\n');
  ctx.Mongo = function (...args) {
    const p = real(...args);
    p.then((m) => {
      // NodeDriverServiceProvider keeps its MongoClient as mongoClient.
      const o = m._serviceProvider.mongoClient.options;
      write({
        uri: String(args[0]),
        driver: {
          username: o.credentials ? o.credentials.username : '',
          authSource: o.credentials ? o.credentials.source : '',
          directConnection: o.directConnection,
          replicaSet: o.replicaSet || '',
          tls: o.tls,
          serverSelectionTimeoutMS: o.serverSelectionTimeoutMS,
          connectTimeoutMS: o.connectTimeoutMS,
          socketTimeoutMS: o.socketTimeoutMS,
        },
      });
    }, (e) => write({ uri: String(args[0]), error: String(e && e.message) }));
    return p;
  };
};

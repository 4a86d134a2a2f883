// Preloaded into a spawned bot (node --import): on SIGUSR2 it makes one unhandled rejection and one
// uncaught exception, as a bug deep in a request's work would. The bot must log, count and go on.
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('injected rejection'));
  setImmediate(() => {
    throw new Error('injected exception');
  });
});

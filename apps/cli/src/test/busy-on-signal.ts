// A process that handles SIGINT while its event loop is blocked 200 ms at a time, as a loaded machine can leave a
// command unscheduled: for the test that `spawnScript` hands a signal to the command itself.
process.on('SIGINT', () => {
  process.stderr.write('SIGINT handled\n');
  process.exit(42);
});
setInterval(() => {
  const until = Date.now() + 200;
  while (Date.now() < until);
}, 10);
process.stderr.write('ready\n');

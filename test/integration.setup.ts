// Socket-opening tests start real servers and child processes: give them room on a busy 2-core machine.
jest.setTimeout(30_000);

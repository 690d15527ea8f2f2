// @ts-check
/**
 * Throwaway PostgreSQL and Redis servers on loopback, for integration tests, the queue-mode suite and
 * `npm run start:queue`. Each is stopped with its starter, also when a test run is killed.
 *
 *   const redis = await startRedis();       // { host, port, stop() }
 *   const pg = await startPostgres();       // { host, port, user, password, database, stop(), createDatabase(name) }
 */
const { startPostgres } = require('./postgres.js');
const { startRedis } = require('./redis.js');

module.exports = { startPostgres, startRedis };

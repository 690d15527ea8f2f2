/**
 * The inbound verification pipeline both triggers use: bounded body reading, authentication over
 * the raw bytes, replay window, parsing, handshakes and deduplication. Pure: no n8n imports.
 */
export * from './authenticator';
export * from './bodyReader';
export * from './contentType';
export * from './dedupeStore';
export * from './eventId';
export * from './fieldMapping';
export * from './handshake';
export * from './ipAccess';
export * from '../jsonPath';
export * from './memo';
export * from './parseBody';
export * from './pipeline';
export * from './policy';
export * from './redact';
export * from './rejection';
export * from './replay';
export * from './request';

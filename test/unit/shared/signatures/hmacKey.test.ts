import { createHmac } from 'node:crypto';

import { base64Key, hexKey, hmacKey, MAX_CACHED_KEYS, whsecKey } from '../../../../nodes/shared/signatures/hmacKey';

describe('hmacKey', () => {
	it('gives the same HMAC as the raw secret, and reuses the key object', () => {
		const key = hmacKey('s3cret');
		expect(createHmac('sha256', key).update('body').digest('hex')).toBe(createHmac('sha256', 's3cret').update('body').digest('hex'));
		expect(hmacKey('s3cret')).toBe(key);
	});

	it('keeps decoders apart: the same text decoded two ways is two keys', () => {
		const base64 = (secret: string) => Buffer.from(secret, 'base64');
		expect(hmacKey('c2VjcmV0', base64).export().toString()).toBe('secret');
		expect(hmacKey('c2VjcmV0').export().toString()).toBe('c2VjcmV0');
	});

	it('decodes a hex key, and keeps text that is not hex as UTF-8 rather than dropping characters', () => {
		expect(hexKey('0aFF')).toEqual(Buffer.from([0x0a, 0xff]));
		expect(hexKey('not-hex')).toEqual(Buffer.from('not-hex'));
		expect(hexKey('abc')).toEqual(Buffer.from('abc'));
	});

	it('decodes a base64 key and a whsec_ key, and keeps text that is not base64 as UTF-8', () => {
		expect(base64Key('c2VjcmV0')).toEqual(Buffer.from('secret'));
		expect(whsecKey('whsec_c2VjcmV0')).toEqual(Buffer.from('secret'));
		expect(base64Key('whsec_c2VjcmV0')).toEqual(Buffer.from('whsec_c2VjcmV0'));
		expect(base64Key('not base64!')).toEqual(Buffer.from('not base64!'));
	});

	it('keeps a bounded number of keys, dropping the oldest', () => {
		const first = hmacKey('rotating-0');
		for (let index = 1; index <= MAX_CACHED_KEYS; index++) hmacKey(`rotating-${index}`);
		expect(hmacKey('rotating-0')).not.toBe(first);
		expect(hmacKey('rotating-0').export().toString()).toBe('rotating-0');
	});
});

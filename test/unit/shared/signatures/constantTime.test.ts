import {
	constantTimeEqual,
	constantTimeIncludes,
	matchingHmacSecretIndex,
	matchingSecretIndex,
} from '../../../../nodes/shared/signatures/constantTime';
import { SIGNET_VECTOR } from './ed25519Keys';

describe('constant-time comparison', () => {
	it('is true only for equal strings', () => {
		expect(constantTimeEqual('abc', 'abc')).toBe(true);
		expect(constantTimeEqual('abc', 'abd')).toBe(false);
		expect(constantTimeEqual('abc', 'abcd')).toBe(false);
		expect(constantTimeEqual('', '')).toBe(true);
		expect(constantTimeEqual('ü', 'u')).toBe(false);
	});

	it('finds a match anywhere in a list', () => {
		expect(constantTimeIncludes(['one', 'two'], 'two')).toBe(true);
		expect(constantTimeIncludes(['one', 'two'], 'three')).toBe(false);
		expect(constantTimeIncludes([], 'x')).toBe(false);
	});

	it('tells which secret made one of the received signatures, the current one first', () => {
		const sign = (secret: string) => `sig:${secret}`;
		expect(matchingSecretIndex(['new', 'old'], ['sig:old'], sign)).toBe(1);
		expect(matchingSecretIndex(['new', 'old'], ['sig:other', 'sig:new'], sign)).toBe(0);
		expect(matchingSecretIndex(['same', 'same'], ['sig:same'], sign)).toBe(0);
		expect(matchingSecretIndex(['new', 'old'], ['sig:gone'], sign)).toBe(-1);
		expect(matchingSecretIndex([], ['sig:new'], sign)).toBe(-1);
		expect(matchingSecretIndex(['new'], [], sign)).toBe(-1);
	});

	it('never takes a Standard Webhooks key for an HMAC secret: an HMAC keyed with a public whpk_ key is no match', () => {
		const sign = (secret: string) => `sig:${secret}`;
		const { publicKey, secretKey } = SIGNET_VECTOR;
		expect(matchingHmacSecretIndex([publicKey, 'shared'], [sign(publicKey)], sign)).toBe(-1);
		expect(matchingHmacSecretIndex([secretKey], [sign(secretKey)], sign)).toBe(-1);
		expect(matchingHmacSecretIndex([publicKey, 'shared'], [sign('shared')], sign)).toBe(1);
		// A token compared as it is (API key, bearer token) may look like anything.
		expect(matchingSecretIndex([publicKey], [sign(publicKey)], sign)).toBe(0);
	});
});

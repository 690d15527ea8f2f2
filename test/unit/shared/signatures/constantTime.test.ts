import { constantTimeEqual, constantTimeIncludes, matchingSecretIndex } from '../../../../nodes/shared/signatures/constantTime';

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

	it('never takes a Standard Webhooks key for a shared secret: an HMAC keyed with a public whpk_ key is not a match', () => {
		const sign = (secret: string) => `sig:${secret}`;
		const publicKey = 'whpk_wuzPrKxPfWpJSsXgyg/MEoMGvjs5SjDO4ad6X4ZYqqg=';
		expect(matchingSecretIndex([publicKey, 'shared'], [sign(publicKey)], sign)).toBe(-1);
		expect(
			matchingSecretIndex(
				['whsk_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU='],
				['sig:whsk_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU='],
				sign,
			),
		).toBe(-1);
		expect(matchingSecretIndex([publicKey, 'shared'], [sign('shared')], sign)).toBe(1);
	});
});

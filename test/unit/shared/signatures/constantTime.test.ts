import { constantTimeEqual, constantTimeIncludes } from '../../../../nodes/shared/signatures/constantTime';

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
});

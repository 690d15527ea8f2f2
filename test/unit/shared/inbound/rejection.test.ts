import { authRejection, isRejection, reject } from '../../../../nodes/shared/inbound/rejection';

describe('rejections', () => {
	it('answers a failed authentication 401, with the challenge when the scheme has one', () => {
		expect(authRejection({ message: 'Wrong signature' })).toEqual(reject(401, 'unauthorized', 'Wrong signature'));
		expect(authRejection({ message: 'Wrong username or password', challenge: 'Basic realm="x"' })).toEqual({
			...reject(401, 'unauthorized', 'Wrong username or password'),
			headers: { 'WWW-Authenticate': 'Basic realm="x"' },
		});
	});

	it('answers a sender that proved to be someone else 403, without a challenge', () => {
		expect(authRejection({ message: 'Another organization', forbidden: true, challenge: 'Basic realm="x"' })).toEqual(
			reject(403, 'forbidden', 'Another organization'),
		);
	});

	it('tells rejections from parsed bodies', () => {
		expect(isRejection(reject(400, 'malformed_body', 'x'))).toBe(true);
		expect(isRejection({ rejected: 'true' })).toBe(false);
	});
});

import { receiverExcerpt, sentCredentialValues } from '../../../../nodes/shared/outbound/receiverExcerpt';

describe('receiverExcerpt', () => {
	it('gives the start of the answer, as text', () => {
		expect(receiverExcerpt({ error: 'email is required' }, [], [])).toBe('{"error":"email is required"}');
		expect(receiverExcerpt('x'.repeat(250), [], [])).toBe(`${'x'.repeat(200)}…`);
		expect(receiverExcerpt('', [], [])).toBeUndefined();
		expect(receiverExcerpt(null, [], [])).toBeUndefined();
	});

	it('masks what a receiver may echo of ours before cutting, so no part of a secret is left', () => {
		const sent = sentCredentialValues({ headers: { 'X-Api-Key': 'key-SECRET-123' }, query: { token: 'URLSECRET123' } });
		const echoed = {
			url: '/hook?token=URLSECRET123&page=2',
			key: 'key-SECRET-123',
			auth: 'Bearer oauth2-access-token.abc',
			basic: 'Basic dXNlcjpwYXNz',
		};
		expect(receiverExcerpt(echoed, sent, ['token'])).toBe(
			'{"url":"/hook?token=***&page=2","key":"***","auth":"Bearer ***","basic":"Basic ***"}',
		);
		const late = `${'x'.repeat(195)}key-SECRET-123`;
		expect(receiverExcerpt(late, sent, [])).toBe(`${'x'.repeat(195)}***`);
	});

	it('masks a Basic password a receiver echoes decoded, and secrets it quotes JSON-escaped', () => {
		const basic = `Basic ${Buffer.from('svc-user:hunter2pass').toString('base64')}`;
		const sent = sentCredentialValues({ headers: { Authorization: basic, 'X-Api-Key': 'abc"def\\123456' }, query: {} });
		expect(receiverExcerpt('wrong password hunter2pass for svc-user', sent, [])).toBe('wrong password *** for svc-user');
		expect(receiverExcerpt({ error: 'bad key', key: 'abc"def\\123456' }, sent, [])).toBe('{"error":"bad key","key":"***"}');
		expect(receiverExcerpt('no key abc"def\\123456 here', [...sent, 'extra-access-token'], [])).toBe('no key *** here');
	});

	it('masks secrets other JSON encoders escape differently: PHP’s \\/ and Go’s \\u0026', () => {
		const sent = sentCredentialValues({
			headers: { 'X-Api-Key': 'k3y/AbC+dEf/123', Authorization: `Basic ${Buffer.from('svc:p&ssw0rd<1').toString('base64')}` },
			query: {},
		});
		expect(receiverExcerpt('{"key":"k3y\\/AbC+dEf\\/123"}', sent, [])).toBe('{"key":"***"}');
		expect(receiverExcerpt('{"password":"p\\u0026ssw0rd\\u003c1"}', sent, [])).toBe('{"password":"***"}');
		expect(receiverExcerpt('{"auth":"Bearer tok\\/en\\/long"}', [], [])).toBe('{"auth":"Bearer ***"}');
	});

	it('masks a header token without its scheme word, and not short values that would hide ordinary words', () => {
		expect(sentCredentialValues({ headers: { Authorization: 'Bearer tok-12345', 'X-Short': 'ab' }, query: {} }).sort()).toEqual(
			['Bearer tok-12345', 'tok-12345'].sort(),
		);
	});
});

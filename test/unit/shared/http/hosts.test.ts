import { bareAddress, withoutBrackets, withoutZone } from '../../../../nodes/shared/http/hosts';

describe('withoutBrackets', () => {
	it('takes the brackets off an IPv6 host as a URL writes it', () => {
		expect(withoutBrackets('[::1]')).toBe('::1');
		expect(withoutBrackets(new URL('http://[2001:db8::5]:8080/x').hostname)).toBe('2001:db8::5');
	});

	it('leaves names, IPv4 addresses and bare IPv6 addresses as they are', () => {
		expect(withoutBrackets('example.com')).toBe('example.com');
		expect(withoutBrackets('127.0.0.1')).toBe('127.0.0.1');
		expect(withoutBrackets('fe80::1')).toBe('fe80::1');
	});
});

describe('withoutZone', () => {
	it('drops a zone index and leaves brackets alone', () => {
		expect(withoutZone('fe80::1%eth0')).toBe('fe80::1');
		expect(withoutZone('[fe80::1')).toBe('[fe80::1');
		expect(withoutZone('10.0.0.1')).toBe('10.0.0.1');
	});
});

describe('bareAddress', () => {
	it('drops brackets and a zone index', () => {
		expect(bareAddress('[fe80::1%eth0]')).toBe('fe80::1');
		expect(bareAddress('fe80::1%25en0')).toBe('fe80::1');
		expect(bareAddress('10.0.0.1')).toBe('10.0.0.1');
	});
});

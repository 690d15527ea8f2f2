import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { headerBagOf } from '../../../../nodes/shared/inbound/request';

describe('headerBagOf', () => {
	it('turns a repeated header into an array that Node would have joined', async () => {
		let bag: unknown;
		let joined: unknown;
		const server = http.createServer((req, res) => {
			bag = headerBagOf(req);
			joined = req.headers['x-webhook-signature'];
			res.end();
		});
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		const { port } = server.address() as AddressInfo;
		await new Promise<void>((resolve, reject) => {
			const request = http.request({ port, host: '127.0.0.1', headers: { 'Content-Type': 'text/plain' } });
			// An array value goes out as two header lines.
			request.setHeader('X-Webhook-Signature', ['aaa', 'bbb']);
			request.on('response', (response) => {
				response.resume();
				response.on('end', resolve);
			});
			request.on('error', reject);
			request.end();
		});
		server.close();
		expect(joined).toBe('aaa, bbb');
		expect(bag).toMatchObject({ 'x-webhook-signature': ['aaa', 'bbb'], 'content-type': 'text/plain' });
	});

	it('leaves out a header named __proto__, which would replace the bag’s prototype', () => {
		const headersDistinct = JSON.parse('{"__proto__":["a","b"],"x-id":["1"]}') as Record<string, string[]>;
		const bag = headerBagOf({ headers: {}, headersDistinct });
		expect(Object.getPrototypeOf(bag)).toBe(Object.prototype);
		expect(bag).toEqual({ 'x-id': '1' });
	});

	it('falls back to plain headers', () => {
		expect(headerBagOf({ headers: { a: 'b' } })).toEqual({ a: 'b' });
	});
});

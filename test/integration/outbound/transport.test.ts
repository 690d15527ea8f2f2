import http from 'node:http';

import { guardedLookup } from '../../../nodes/shared/outbound/transport/agents';
import { destroyAgents, request } from '../../../nodes/shared/outbound/transport';
import type { Proxy, Receiver } from './receiver';
import { startProxy, startReceiver, useReceiver } from './receiver';

const failure = (promise: Promise<unknown>) =>
	promise.then(
		() => {
			throw new Error('expected the request to fail');
		},
		(error: { code: string; message: string; retryable: boolean }) => error,
	);

describe('transport against a real server', () => {
	let receiver: Receiver;
	useReceiver((started) => (receiver = started));

	it('sends the exact bytes and headers and reads the answer', async () => {
		receiver.script({ status: 201, headers: { 'content-type': 'application/json', 'x-reply': 'yes' }, body: '{"id":7}' });
		const body = Buffer.from('{"a":"é"}');
		const response = await request({ method: 'post', url: new URL(receiver.url('/hook?x=1')), headers: { 'X-Custom': 'v' }, body });
		expect(response).toMatchObject({ statusCode: 201, truncated: false, redirects: 0 });
		expect(response.headers['x-reply']).toBe('yes');
		expect(response.body.toString()).toBe('{"id":7}');
		const [received] = receiver.requests;
		expect(received).toMatchObject({ method: 'POST', url: '/hook?x=1' });
		expect(received.body.equals(body)).toBe(true);
		expect(received.headers['content-length']).toBe(String(body.length));
		expect(received.headers['x-custom']).toBe('v');
	});

	it('reuses keep-alive connections for sequential requests', async () => {
		receiver.script({ status: 204 });
		for (let i = 0; i < 5; i++) await request({ method: 'GET', url: new URL(receiver.url()) });
		expect(new Set(receiver.requests.map((r) => r.connection)).size).toBe(1);
	});

	it('times out a receiver that never answers', async () => {
		receiver.script('hang');
		// Jest's own timeout fails the test if the request's timeout never fires.
		const error = await failure(request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('x'), timeoutMs: 200 }));
		expect(error).toMatchObject({ code: 'ETIMEDOUT', retryable: true });
		expect(receiver.requests).toHaveLength(1);
	}, 5_000);

	it('reports a reset connection', async () => {
		receiver.script('reset');
		const error = await failure(request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('x') }));
		expect(error).toMatchObject({ code: 'ECONNRESET', retryable: true });
	});

	it('re-sends an idempotent request once on a fresh socket when a reused one turns out dead, but never a POST', async () => {
		receiver.script({ status: 200 }, 'reset', { status: 200 });
		await request({ method: 'GET', url: new URL(receiver.url()) });
		expect((await request({ method: 'GET', url: new URL(receiver.url()) })).statusCode).toBe(200);
		expect(receiver.requests.map((r) => r.connection)).toEqual([receiver.requests[0].connection, receiver.requests[0].connection, expect.any(Number)]);

		receiver.script({ status: 200 }, 'reset', { status: 200 });
		await request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('1') });
		expect((await failure(request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('2') }))).code).toBe('ECONNRESET');
		expect(receiver.requests).toHaveLength(2);
	});

	it('keeps 1 MB of a 100 MB response and never reads the rest', async () => {
		let written = 0;
		let stopped = false;
		receiver.script((_request, res) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(100 * 1024 * 1024) });
			const chunk = Buffer.alloc(64 * 1024, 0x61);
			const pump = () => {
				while (written < 100 * 1024 * 1024) {
					if (res.destroyed) return void (stopped = true);
					written += chunk.length;
					if (!res.write(chunk)) return void res.once('drain', pump);
				}
				res.end();
			};
			res.on('close', () => (stopped = true));
			pump();
		});
		const before = process.memoryUsage().rss;
		const response = await request({ method: 'GET', url: new URL(receiver.url()), maxResponseBytes: 1024 * 1024 });
		expect(response.truncated).toBe(true);
		expect(response.body.length).toBe(1024 * 1024);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(stopped).toBe(true);
		expect(written).toBeLessThan(20 * 1024 * 1024);
		expect(process.memoryUsage().rss - before).toBeLessThan(60 * 1024 * 1024);
	});

	it('does not follow redirects unless asked', async () => {
		receiver.script({ status: 301, headers: { location: '/moved' } });
		const response = await request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('x') });
		expect(response).toMatchObject({ statusCode: 301, redirects: 0 });
		expect(receiver.requests).toHaveLength(1);
	});

	it('follows redirects when asked: 307 keeps the method and body, 303 switches to GET', async () => {
		receiver.script(
			{ status: 307, headers: { location: '/second' } },
			{ status: 303, headers: { location: '/third' } },
			{ status: 200, body: 'done' },
		);
		const response = await request({
			method: 'POST',
			url: new URL(receiver.url('/first')),
			headers: { 'Content-Type': 'text/plain', Authorization: 'Bearer t' },
			body: Buffer.from('payload'),
			followRedirects: true,
		});
		expect(response).toMatchObject({ statusCode: 200, redirects: 2 });
		expect(response.url.pathname).toBe('/third');
		expect(receiver.requests.map((r) => `${r.method} ${r.url} ${r.body.toString()}`)).toEqual([
			'POST /first payload',
			'POST /second payload',
			'GET /third ',
		]);
		// Same origin: the credential stays.
		expect(receiver.requests[2].headers.authorization).toBe('Bearer t');
	});

	it('stops after 5 redirects', async () => {
		receiver.script({ status: 302, headers: { location: '/again' } });
		const error = await failure(request({ method: 'GET', url: new URL(receiver.url()), followRedirects: true }));
		expect(error.code).toBe('ERR_TOO_MANY_REDIRECTS');
		expect(receiver.requests).toHaveLength(6);
	});

	it('drops credentials when a redirect leaves the origin', async () => {
		const other = await startReceiver();
		try {
			receiver.script({ status: 302, headers: { location: other.url('/elsewhere') } });
			await request({
				method: 'GET',
				url: new URL(receiver.url()),
				headers: { Authorization: 'Basic x', 'X-Api-Key': 'k', 'X-Keep': '1' },
				sensitiveHeaders: ['X-Api-Key'],
				followRedirects: true,
			});
			expect(other.requests[0].headers).toMatchObject({ 'x-keep': '1' });
			expect(other.requests[0].headers.authorization).toBeUndefined();
			expect(other.requests[0].headers['x-api-key']).toBeUndefined();
		} finally {
			await other.close();
		}
	});

	it('refuses a redirect to another scheme', async () => {
		receiver.script({ status: 302, headers: { location: 'file:///etc/passwd' } });
		expect((await failure(request({ method: 'GET', url: new URL(receiver.url()), followRedirects: true }))).code).toBe('ERR_BAD_REDIRECT');
	});

	it('aborts when the execution is cancelled', async () => {
		receiver.script('hang');
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		expect((await failure(request({ method: 'GET', url: new URL(receiver.url()), signal: controller.signal }))).code).toBe('ERR_ABORTED');
	});
});

describe('private-network blocking', () => {
	let receiver: Receiver;
	useReceiver((started) => (receiver = started));

	it('is off by default', async () => {
		receiver.script({ status: 200 });
		expect((await request({ method: 'GET', url: new URL(receiver.url()) })).statusCode).toBe(200);
	});

	it('refuses IP literals and names that resolve to private addresses, before sending anything', async () => {
		receiver.script({ status: 200 });
		for (const url of [receiver.url(), receiver.url().replace('127.0.0.1', 'localhost'), 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:7f00:1]:1/']) {
			const error = await failure(request({ method: 'GET', url: new URL(url), blockPrivateNetworks: true }));
			expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', retryable: false });
		}
		expect(receiver.requests).toHaveLength(0);
	});

	it('checks what the lookup resolves at connect time', (done) => {
		guardedLookup('localhost', { all: true }, (error, addresses) => {
			expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', message: expect.stringMatching(/localhost resolves to .*loopback/) });
			expect(addresses).toBe('');
			done();
		});
	});

	it('checks every redirect hop: a public first hop may not redirect to cloud metadata', async () => {
		// The proxy plays the public server: it answers for 93.184.216.34 itself and redirects to 169.254.169.254.
		const proxy = await startProxy((req, res) => {
			if (!req.url?.startsWith('http://93.184.216.34/')) return false;
			res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam' });
			res.end();
			return true;
		});
		try {
			const error = await failure(
				request({ method: 'GET', url: new URL('http://93.184.216.34/hook'), followRedirects: true, blockPrivateNetworks: true, env: { HTTP_PROXY: proxy.url } }),
			);
			expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', message: expect.stringMatching(/169\.254\.169\.254.*link-local/) });
			expect(proxy.seen).toEqual(['GET http://93.184.216.34/hook']);
		} finally {
			await proxy.close();
		}
	});
});

describe('proxies', () => {
	let receiver: Receiver;
	let tlsReceiver: Receiver;
	let proxy: Proxy;
	beforeAll(async () => {
		receiver = await startReceiver();
		tlsReceiver = await startReceiver({ tls: true });
		proxy = await startProxy();
	});
	afterAll(async () => {
		await Promise.all([receiver.close(), tlsReceiver.close(), proxy.close()]);
		destroyAgents();
	});

	it('sends http requests in absolute form, with proxy credentials', async () => {
		receiver.script({ status: 200, body: 'via proxy' });
		const proxyUrl = proxy.url.replace('http://', 'http://user:p%40ss@');
		const response = await request({ method: 'POST', url: new URL(receiver.url('/p?q=1')), body: Buffer.from('x'), env: { http_proxy: proxyUrl } });
		expect(response.body.toString()).toBe('via proxy');
		expect(proxy.seen.pop()).toBe(`POST ${receiver.url('/p?q=1')} (auth)`);
		expect(receiver.requests[0].headers['proxy-authorization']).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
	});

	it('tunnels https with CONNECT and keeps the tunnel alive', async () => {
		tlsReceiver.script({ status: 200, body: 'secret channel' });
		const env = { HTTPS_PROXY: proxy.url };
		for (let i = 0; i < 3; i++) {
			const response = await request({ method: 'GET', url: new URL(tlsReceiver.url()), ignoreTlsErrors: true, env });
			expect(response.body.toString()).toBe('secret channel');
		}
		const host = new URL(tlsReceiver.url()).host;
		expect(proxy.seen.filter((line) => line === `CONNECT ${host}`)).toHaveLength(1);
		expect(new Set(tlsReceiver.requests.map((r) => r.connection)).size).toBe(1);
	});

	it('bypasses the proxy for NO_PROXY hosts', async () => {
		receiver.script({ status: 200 });
		const before = proxy.seen.length;
		await request({ method: 'GET', url: new URL(receiver.url()), env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
		expect(proxy.seen.length).toBe(before);
	});

	it('reports a proxy that cannot be reached', async () => {
		const error = await failure(request({ method: 'GET', url: new URL(tlsReceiver.url()), env: { HTTPS_PROXY: 'http://127.0.0.1:1' } }));
		expect(error).toMatchObject({ code: 'ERR_PROXY', retryable: true });
	});
});

describe('TLS', () => {
	let receiver: Receiver;
	useReceiver((started) => (receiver = started), { tls: true });

	it('refuses a self-signed certificate unless told to ignore TLS errors', async () => {
		const error = await failure(request({ method: 'GET', url: new URL(receiver.url()) }));
		expect(error.code).toMatch(/^ERR_TLS_/);
		expect(error.retryable).toBe(false);
		expect((await request({ method: 'GET', url: new URL(receiver.url()), ignoreTlsErrors: true })).statusCode).toBe(200);
	});
});

describe('an unreachable receiver', () => {
	it('reports a refused connection', async () => {
		const server = http.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as { port: number };
		await new Promise((resolve) => server.close(resolve));
		const error = await failure(request({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/`) }));
		expect(error).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
	});

	it('reports an unknown host', async () => {
		const error = await failure(request({ method: 'GET', url: new URL('http://does-not-exist.invalid/'), timeoutMs: 5_000 }));
		expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.code);
	});
});

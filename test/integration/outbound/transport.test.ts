import { execFile } from 'node:child_process';
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { destroyAgents, request } from '../../../nodes/shared/outbound/transport';
import type { Proxy, ProxyOptions, Receiver } from './receiver';
import { startProxy, startReceiver, useReceiver } from './receiver';

const failure = (promise: Promise<unknown>) =>
	promise.then(
		() => {
			throw new Error('expected the request to fail');
		},
		(error: { code: string; message: string; retryable: boolean }) => error,
	);

/** Runs one request in a child process that trusts the loopback test certificate. */
function inChildProcess(url: string, env: Record<string, string>): Promise<unknown> {
	const script = path.join(__dirname, 'throughProxy.ts');
	const childEnv = { ...process.env, NODE_EXTRA_CA_CERTS: path.join(__dirname, '../../fixtures/outbound/localhost.cert.pem') };
	return new Promise((resolve, reject) =>
		execFile(
			process.execPath,
			['--import', 'tsx', script, url, JSON.stringify(env)],
			{ env: childEnv, timeout: 50_000 },
			(error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
		),
	);
}

/** A plain and a TLS receiver and a proxy, started for the enclosing describe block. */
function useProxyRig(proxyOptions: ProxyOptions = {}) {
	const rig = {} as { receiver: Receiver; tlsReceiver: Receiver; proxy: Proxy };
	beforeAll(async () => {
		Object.assign(rig, {
			receiver: await startReceiver(),
			tlsReceiver: await startReceiver({ tls: true }),
			proxy: await startProxy(undefined, proxyOptions),
		});
	});
	afterAll(async () => {
		await Promise.all([rig.receiver?.close(), rig.tlsReceiver?.close(), rig.proxy?.close()]);
		destroyAgents();
	});
	return rig;
}

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

	it('never sends framing headers a caller passes: the client sets Host, Content-Length and the rest itself', async () => {
		receiver.script({ status: 200 });
		const body = Buffer.from('{"k":"chunked"}');
		const headers = { 'Transfer-Encoding': 'chunked', 'content-length': '999', Connection: 'close', 'X-Custom': 'v' };
		await request({ method: 'POST', url: new URL(receiver.url('/hook')), headers, body });
		const [received] = receiver.requests;
		expect(received.headers['transfer-encoding']).toBeUndefined();
		expect(received.headers['content-length']).toBe(String(body.length));
		expect(received.headers.connection).not.toBe('close');
		expect(received.body.equals(body)).toBe(true);
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

	it('keeps the answer whose status arrived but whose body did not finish: by the timeout, or a closed connection', async () => {
		const partial = (close: boolean) => (_request: unknown, response: http.ServerResponse) => {
			response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
			response.write('{"ok":');
			if (close) setTimeout(() => response.socket?.destroy(), 20);
		};
		receiver.script(partial(false));
		const slow = await request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('x'), timeoutMs: 300 });
		expect(slow).toMatchObject({ statusCode: 200, incomplete: 'the rest of the body did not arrive within the 0.3 s timeout' });
		expect(slow.body.toString()).toBe('{"ok":');
		receiver.script(partial(true));
		const cut = await request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('x'), timeoutMs: 5_000 });
		expect(cut).toMatchObject({ statusCode: 200, incomplete: 'the connection closed before the rest of the body arrived' });
		expect(receiver.requests).toHaveLength(1);
	}, 10_000);

	it('does not follow a redirect whose own answer was cut off or ran out of time', async () => {
		const redirect = (cut: boolean) => (request: { url: string }, response: http.ServerResponse) => {
			if (request.url !== '/redir') return void response.writeHead(200).end('final');
			response.writeHead(307, { location: '/final', 'content-length': '100' });
			response.write('moving');
			if (cut) setTimeout(() => response.socket?.destroy(), 20);
		};
		const follow = (timeoutMs: number) =>
			failure(request({ method: 'POST', url: new URL(receiver.url('/redir')), body: Buffer.from('x'), timeoutMs, followRedirects: true }));
		receiver.script(redirect(true));
		expect(await follow(5_000)).toMatchObject({ code: 'ECONNRESET', retryable: true });
		receiver.script(redirect(false));
		expect(await follow(300)).toMatchObject({ code: 'ETIMEDOUT', retryable: true });
		expect(receiver.requests.map((received) => received.url)).toEqual(['/redir']);
	}, 10_000);

	it('reports a reset connection', async () => {
		receiver.script('reset');
		const error = await failure(request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('x') }));
		expect(error).toMatchObject({ code: 'ECONNRESET', retryable: true });
	});

	it('re-sends an idempotent request once on a fresh socket when a reused one turns out dead, but never a POST', async () => {
		receiver.script({ status: 200 }, 'reset', { status: 200 });
		await request({ method: 'GET', url: new URL(receiver.url()) });
		expect((await request({ method: 'GET', url: new URL(receiver.url()) })).statusCode).toBe(200);
		expect(receiver.requests.map((r) => r.connection)).toEqual([
			receiver.requests[0].connection,
			receiver.requests[0].connection,
			expect.any(Number),
		]);

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

	it('sends no custom header, signature or credential to another origin', async () => {
		const other = await startReceiver();
		try {
			receiver.script({ status: 307, headers: { location: other.url('/elsewhere') } });
			other.script({ status: 200 });
			await request({
				method: 'POST',
				url: new URL(receiver.url()),
				headers: {
					'User-Agent': 'n8n-nodes-crm-webhooks',
					'Content-Type': 'application/json',
					Authorization: 'Basic x',
					'X-Api-Token': 'custom-secret',
					'X-Webhook-Signature': 'sha256=abc',
					'webhook-signature': 'v1,xyz',
					'Idempotency-Key': 'k-1',
				},
				body: Buffer.from('{}'),
				followRedirects: true,
			});
			// Same host, another port: another origin.
			const { headers, body } = other.requests[0];
			expect(body.toString()).toBe('{}');
			expect(headers).toMatchObject({ 'user-agent': 'n8n-nodes-crm-webhooks', 'content-type': 'application/json' });
			for (const name of ['authorization', 'x-api-token', 'x-webhook-signature', 'webhook-signature', 'idempotency-key']) {
				expect([name, headers[name]]).toEqual([name, undefined]);
			}
			expect(receiver.requests[0].headers['x-api-token']).toBe('custom-secret');
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

	it('sends nothing and throws nothing uncaught when the execution was cancelled before the request', async () => {
		receiver.script({ status: 200 });
		const uncaught: unknown[] = [];
		const onUncaught = (error: unknown) => uncaught.push(error);
		process.on('uncaughtException', onUncaught);
		try {
			const controller = new AbortController();
			controller.abort();
			const error = await failure(
				request({ method: 'POST', url: new URL(receiver.url()), body: Buffer.from('{}'), signal: controller.signal }),
			);
			expect(error.code).toBe('ERR_ABORTED');
			await new Promise((resolve) => setTimeout(resolve, 100));
		} finally {
			process.off('uncaughtException', onUncaught);
		}
		expect(uncaught).toEqual([]);
		expect(receiver.requests).toHaveLength(0);
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
		for (const url of [
			receiver.url(),
			receiver.url().replace('127.0.0.1', 'localhost'),
			'http://169.254.169.254/latest/meta-data/',
			'http://[::ffff:7f00:1]:1/',
		]) {
			const error = await failure(request({ method: 'GET', url: new URL(url), blockPrivateNetworks: true }));
			expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', retryable: false });
		}
		expect(receiver.requests).toHaveLength(0);
	});

	it('refuses every IPv6 spelling of a private IPv4 address without connecting', async () => {
		// An address that slipped through would connect, or fail with another code than ERR_BLOCKED_ADDRESS.
		let connections = 0;
		const server = http.createServer((_req, res) => res.end('reached'));
		server.on('connection', () => connections++);
		await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
		const { port } = server.address() as AddressInfo;
		try {
			for (const host of [
				'[::127.0.0.1]',
				'[::ffff:127.0.0.1]',
				'[::ffff:7f00:1]',
				'[64:ff9b::127.0.0.1]',
				'[2002:7f00:1::]',
				'[::1]',
				'0x7f.1',
			]) {
				const error = await failure(request({ method: 'GET', url: new URL(`http://${host}:${port}/`), blockPrivateNetworks: true }));
				expect([host, error.code]).toEqual([host, 'ERR_BLOCKED_ADDRESS']);
			}
			expect(connections).toBe(0);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('applies n8n’s SSRF protection even with Block Private Networks off, and its allowed ranges and names', async () => {
		receiver.script({ status: 200 });
		const on = { N8N_SSRF_PROTECTION_ENABLED: 'true' };
		const error = await failure(request({ method: 'GET', url: new URL(receiver.url()), blockPrivateNetworks: false, env: on }));
		expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', message: expect.stringMatching(/cannot be switched off in the node/) });
		expect(receiver.requests).toHaveLength(0);

		const byRange = await request({
			method: 'GET',
			url: new URL(receiver.url()),
			env: { ...on, N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' },
		});
		const byName = await request({
			method: 'GET',
			url: new URL(receiver.url().replace('127.0.0.1', 'localhost')),
			env: { ...on, N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost' },
		});
		expect([byRange.statusCode, byName.statusCode]).toEqual([200, 200]);
		const blockedName = await failure(
			request({
				method: 'GET',
				url: new URL(receiver.url().replace('127.0.0.1', 'localhost')),
				env: { ...on, N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32', N8N_SSRF_BLOCKED_HOSTNAMES: 'localhost' },
			}),
		);
		expect(blockedName.message).toMatch(/N8N_SSRF_BLOCKED_HOSTNAMES/);
		expect(receiver.requests).toHaveLength(2);
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
				request({
					method: 'GET',
					url: new URL('http://93.184.216.34/hook'),
					followRedirects: true,
					blockPrivateNetworks: true,
					env: { HTTP_PROXY: proxy.url },
				}),
			);
			expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', message: expect.stringMatching(/169\.254\.169\.254.*link-local/) });
			expect(proxy.seen).toEqual(['GET http://93.184.216.34/hook']);
		} finally {
			await proxy.close();
		}
	});
});

describe('proxies', () => {
	const rig = useProxyRig();

	it('sends http requests in absolute form, with proxy credentials', async () => {
		rig.receiver.script({ status: 200, body: 'via proxy' });
		const proxyUrl = rig.proxy.url.replace('http://', 'http://user:p%40ss@');
		const response = await request({
			method: 'POST',
			url: new URL(rig.receiver.url('/p?q=1')),
			body: Buffer.from('x'),
			env: { http_proxy: proxyUrl },
		});
		expect(response.body.toString()).toBe('via proxy');
		expect(rig.proxy.seen.pop()).toBe(`POST ${rig.receiver.url('/p?q=1')} (auth)`);
		expect(rig.receiver.requests[0].headers['proxy-authorization']).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
	});

	it('tunnels https with CONNECT and keeps the tunnel alive', async () => {
		rig.tlsReceiver.script({ status: 200, body: 'secret channel' });
		const env = { HTTPS_PROXY: rig.proxy.url };
		for (let i = 0; i < 3; i++) {
			const response = await request({ method: 'GET', url: new URL(rig.tlsReceiver.url()), ignoreTlsErrors: true, env });
			expect(response.body.toString()).toBe('secret channel');
		}
		const host = new URL(rig.tlsReceiver.url()).host;
		expect(rig.proxy.seen.filter((line) => line === `CONNECT ${host}`)).toHaveLength(1);
		expect(new Set(rig.tlsReceiver.requests.map((r) => r.connection)).size).toBe(1);
	});

	it('bypasses the proxy for NO_PROXY hosts', async () => {
		rig.receiver.script({ status: 200 });
		const before = rig.proxy.seen.length;
		await request({ method: 'GET', url: new URL(rig.receiver.url()), env: { HTTP_PROXY: rig.proxy.url, NO_PROXY: '127.0.0.1' } });
		expect(rig.proxy.seen.length).toBe(before);
	});

	it('reports a proxy that cannot be reached', async () => {
		const error = await failure(
			request({ method: 'GET', url: new URL(rig.tlsReceiver.url()), env: { HTTPS_PROXY: 'http://127.0.0.1:1' } }),
		);
		expect(error).toMatchObject({ code: 'ERR_PROXY', retryable: true });
	});

	it('falls back to ALL_PROXY', async () => {
		const allProxy = await startProxy();
		try {
			rig.receiver.script({ status: 200 });
			rig.tlsReceiver.script({ status: 200 });
			await request({ method: 'GET', url: new URL(rig.receiver.url('/all')), env: { ALL_PROXY: allProxy.url } });
			await request({ method: 'GET', url: new URL(rig.tlsReceiver.url('/all')), ignoreTlsErrors: true, env: { all_proxy: allProxy.url } });
			expect(allProxy.seen).toEqual([`GET ${rig.receiver.url('/all')}`, `CONNECT ${new URL(rig.tlsReceiver.url()).host}`]);
		} finally {
			await allProxy.close();
		}
	});

	it('reports a refused tunnel as the proxy’s error, not as the receiver’s answer', async () => {
		const refusing = await startProxy(undefined, { refuseConnect: 403 });
		try {
			const error = await failure(request({ method: 'GET', url: new URL(rig.tlsReceiver.url()), env: { HTTPS_PROXY: refusing.url } }));
			expect(error).toMatchObject({ code: 'ERR_PROXY', message: expect.stringMatching(/answered CONNECT with 403/), retryable: false });
		} finally {
			await refusing.close();
		}
	});
});

describe('an https:// proxy', () => {
	const rig = useProxyRig({ tls: true });

	it('is spoken to over TLS, and its certificate is checked even with Ignore TLS Errors on', async () => {
		const error = await failure(
			request({ method: 'GET', url: new URL(rig.receiver.url()), ignoreTlsErrors: true, env: { HTTP_PROXY: rig.proxy.url } }),
		);
		expect(error).toMatchObject({ code: 'ERR_PROXY', message: expect.stringMatching(/certificate/) });
		expect(rig.proxy.seen).toEqual([]);
	});

	it('carries http and https requests once its certificate is trusted (NODE_EXTRA_CA_CERTS)', async () => {
		rig.receiver.script({ status: 200, body: 'plain via tls proxy' });
		rig.tlsReceiver.script({ status: 200, body: 'tls via tls proxy' });
		const plain = await inChildProcess(rig.receiver.url('/plain'), { HTTP_PROXY: rig.proxy.url });
		const secure = await inChildProcess(rig.tlsReceiver.url('/secure'), { HTTPS_PROXY: rig.proxy.url });
		expect([plain, secure]).toEqual([
			{ status: 200, body: 'plain via tls proxy' },
			{ status: 200, body: 'tls via tls proxy' },
		]);
		expect(rig.proxy.seen).toEqual([`GET ${rig.receiver.url('/plain')}`, `CONNECT ${new URL(rig.tlsReceiver.url()).host}`]);
	}, 60_000);
});

describe('Block Private Networks through a proxy', () => {
	const rig = useProxyRig();
	const byName = (url: string) => new URL(url.replace('127.0.0.1', 'localhost'));

	it('refuses a name that resolves to a private address before the proxy hears of it', async () => {
		const env = { HTTP_PROXY: rig.proxy.url, HTTPS_PROXY: rig.proxy.url };
		for (const url of [rig.receiver.url(), rig.tlsReceiver.url()]) {
			const error = await failure(request({ method: 'GET', url: byName(url), blockPrivateNetworks: true, env }));
			expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', message: expect.stringMatching(/localhost resolves to 127\.0\.0\.1/) });
		}
		expect(rig.proxy.seen).toEqual([]);
	});

	it('asks the proxy for a tunnel to the address it checked, never for the name', async () => {
		// n8n's allowed range lets the loopback receivers pass the check; the name is still resolved here.
		const env = {
			HTTP_PROXY: rig.proxy.url,
			HTTPS_PROXY: rig.proxy.url,
			N8N_SSRF_PROTECTION_ENABLED: 'true',
			N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8',
		};
		rig.receiver.script({ status: 200, body: 'plain' });
		rig.tlsReceiver.script({ status: 200, body: 'secure' });
		const plain = await request({ method: 'GET', url: byName(rig.receiver.url('/p')), blockPrivateNetworks: true, env });
		const secure = await request({
			method: 'GET',
			url: byName(rig.tlsReceiver.url('/s')),
			blockPrivateNetworks: true,
			ignoreTlsErrors: true,
			env,
		});
		expect([plain.body.toString(), secure.body.toString()]).toEqual(['plain', 'secure']);
		expect(rig.proxy.seen).toEqual([`CONNECT ${new URL(rig.receiver.url()).host}`, `CONNECT ${new URL(rig.tlsReceiver.url()).host}`]);
		// The receiver still sees its name.
		expect(rig.receiver.requests[0].headers.host).toBe(byName(rig.receiver.url()).host);
		expect(rig.tlsReceiver.requests[0].headers.host).toBe(byName(rig.tlsReceiver.url()).host);
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
		// The resolver's answer for a name that does not exist, without asking a real DNS server.
		const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND does-not-exist.invalid'), { code: 'ENOTFOUND' });
		const lookup = jest
			.spyOn(dns, 'lookup')
			.mockImplementation(((_host: string, _options: unknown, callback: (error: Error) => void) =>
				callback(notFound)) as unknown as typeof dns.lookup);
		try {
			const error = await failure(request({ method: 'GET', url: new URL('http://does-not-exist.invalid/'), timeoutMs: 5_000 }));
			expect(error).toMatchObject({ code: 'ENOTFOUND' });
			expect(lookup).toHaveBeenCalled();
		} finally {
			lookup.mockRestore();
		}
	});
});

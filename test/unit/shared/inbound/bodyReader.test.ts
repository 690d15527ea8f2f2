import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';

import { checkDeclaredLength, readBody } from '../../../../nodes/shared/inbound/bodyReader';

const streamOf = (...chunks: Buffer[]) => Readable.from(chunks);

describe('readBody', () => {
	it('returns the exact bytes, including ones that are not valid UTF-8', async () => {
		const bytes = Buffer.from([0x7b, 0xff, 0x00, 0xc3, 0x28, 0x7d]);
		expect(await readBody(streamOf(bytes.subarray(0, 2), bytes.subarray(2)), {}, { maxBytes: 100 })).toEqual(bytes);
	});

	it('refuses by Content-Length before reading a byte', async () => {
		const stream = new PassThrough();
		const result = await readBody(stream, { 'content-length': '2048' }, { maxBytes: 1024 });
		expect(result).toMatchObject({ status: 413, code: 'body_too_large' });
		expect(stream.listenerCount('data')).toBe(0);
	});

	it('refuses a non-numeric Content-Length', () => {
		expect(checkDeclaredLength({ 'content-length': '12abc' }, { maxBytes: 100 })).toMatchObject({ status: 400 });
		expect(checkDeclaredLength({ 'content-length': '100' }, { maxBytes: 100 })).toBeUndefined();
	});

	it('takes a body of exactly the limit and refuses one byte more, declared or streamed', async () => {
		expect(checkDeclaredLength({ 'content-length': '101' }, { maxBytes: 100 })).toMatchObject({ status: 413, code: 'body_too_large' });
		const exact = Buffer.alloc(100, 1);
		expect(await readBody(streamOf(exact.subarray(0, 60), exact.subarray(60)), {}, { maxBytes: 100 })).toEqual(exact);
		const oneMore = Buffer.alloc(101, 1);
		expect(await readBody(streamOf(oneMore.subarray(0, 60), oneMore.subarray(60)), {}, { maxBytes: 100 })).toMatchObject({
			status: 413,
			code: 'body_too_large',
		});
	});

	it('stops reading mid-stream once the body grows past the limit', async () => {
		let pulled = 0;
		const stream = new Readable({
			read() {
				pulled++;
				this.push(Buffer.alloc(512, 1));
			},
		});
		const result = await readBody(stream, {}, { maxBytes: 2000 });
		expect(result).toMatchObject({ status: 413, code: 'body_too_large' });
		// The stream is endless: resolving at all proves reading stopped; nothing more is pulled afterwards.
		const pulledAtRejection = pulled;
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(pulled).toBe(pulledAtRejection);
		expect(stream.isPaused()).toBe(true);
	});

	it.each([
		['gzip', gzipSync],
		['x-gzip', gzipSync],
		['deflate', deflateSync],
	])('decodes %s bodies', async (encoding, encode) => {
		const body = Buffer.from(JSON.stringify({ hello: 'world'.repeat(50) }));
		expect(await readBody(streamOf(encode(body)), { 'content-encoding': encoding }, { maxBytes: 1000 })).toEqual(body);
	});

	it('limits the decoded size, so a zip bomb is refused', async () => {
		const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
		expect(bomb.length).toBeLessThan(100 * 1024);
		const result = await readBody(streamOf(bomb), { 'content-encoding': 'gzip' }, { maxBytes: 1024 * 1024 });
		expect(result).toMatchObject({ status: 413 });
	});

	it('limits the size sent too: a stream of empty deflate blocks that decodes to nothing is cut off', async () => {
		// A zlib header, then empty stored blocks (5 bytes each, no data) for as long as the sender likes.
		const emptyBlock = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);
		let sent = 0;
		const endless = new Readable({
			read() {
				if (sent >= 10_000_000) return void this.push(null);
				const chunk = sent === 0 ? Buffer.concat([Buffer.from([0x78, 0x9c]), emptyBlock]) : Buffer.concat(Array(2000).fill(emptyBlock));
				sent += chunk.length;
				this.push(chunk);
			},
		});
		const result = await readBody(endless, { 'content-encoding': 'deflate' }, { maxBytes: 64 * 1024 });
		expect(result).toMatchObject({ status: 413, code: 'body_too_large' });
		expect(sent).toBeLessThan(1_000_000);
	});

	it('accepts an incompressible body whose encoded form is a little larger than the limit', async () => {
		const random = Buffer.from(Array.from({ length: 64 * 1024 }, (_, index) => (index * 2654435761) >>> 24));
		const encoded = gzipSync(random, { level: 0 });
		expect(encoded.length).toBeGreaterThan(random.length);
		expect(await readBody(streamOf(encoded), { 'content-encoding': 'gzip' }, { maxBytes: random.length })).toEqual(random);
		// Senders declare the encoded length: it gets the same room.
		const declared = { 'content-encoding': 'gzip', 'content-length': String(encoded.length) };
		expect(await readBody(streamOf(encoded), declared, { maxBytes: random.length })).toEqual(random);
	});

	it('refuses a body that is not what its Content-Encoding says', async () => {
		const result = await readBody(streamOf(Buffer.from('not gzip at all')), { 'content-encoding': 'gzip' }, { maxBytes: 100 });
		expect(result).toMatchObject({ status: 400, code: 'body_unreadable' });
	});

	it('says the body could not be decoded, over real HTTP, for truncated, trailing-junk and empty gzip bodies', async () => {
		const server = http.createServer((req, res) => {
			void readBody(req, req.headers, { maxBytes: 100_000 }).then((result) => res.end(JSON.stringify(result)));
		});
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		const { port } = server.address() as AddressInfo;
		const post = async (body: Buffer) => {
			const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body });
			return JSON.parse(await response.text()) as unknown;
		};
		const gzipped = gzipSync(Buffer.from('{"id":"evt_1"}'.repeat(50)));
		try {
			for (const body of [gzipped.subarray(0, gzipped.length - 10), Buffer.concat([gzipped, Buffer.from('junk')]), Buffer.alloc(0)]) {
				expect(await post(body)).toMatchObject({ status: 400, message: 'The body could not be decoded with its Content-Encoding' });
			}
		} finally {
			server.close();
		}
	});

	it('refuses encodings it cannot decode with 415', async () => {
		const result = await readBody(streamOf(Buffer.from('x')), { 'content-encoding': 'br' }, { maxBytes: 100 });
		expect(result).toMatchObject({ status: 415, code: 'unsupported_encoding' });
	});

	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'refuses a Content-Encoding named after Object.prototype’s %s with 415',
		async (encoding) => {
			const result = await readBody(streamOf(Buffer.from('x')), { 'content-encoding': encoding }, { maxBytes: 100 });
			expect(result).toMatchObject({ status: 415, code: 'unsupported_encoding' });
		},
	);

	it('returns an empty buffer for a stream that already ended', async () => {
		const stream = streamOf();
		stream.resume();
		await once(stream, 'end');
		expect(await readBody(stream, {}, { maxBytes: 10 })).toEqual(Buffer.alloc(0));
	});

	it('reports a client that disconnects mid-body', async () => {
		let settle: (result: unknown) => void = () => undefined;
		const result = new Promise((resolve) => (settle = resolve));
		const server = http.createServer((req, res) => {
			void readBody(req, req.headers, { maxBytes: 1_000_000 }).then((read) => {
				settle(read);
				res.end();
			});
		});
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		try {
			const { port } = server.address() as AddressInfo;
			const request = http.request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': '1000' } });
			request.on('error', () => undefined);
			request.write('partial');
			await new Promise((resolve) => setTimeout(resolve, 50));
			request.destroy();
			// A reader that never settles fails here within 2 s instead of holding the test run.
			const deadline = new Promise((resolve) => setTimeout(() => resolve('readBody never settled'), 2_000).unref());
			expect(await Promise.race([result, deadline])).toMatchObject({ status: 400, code: 'body_unreadable' });
		} finally {
			server.closeAllConnections();
			server.close();
		}
	});
});

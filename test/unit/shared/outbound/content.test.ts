import {
	buildArrayBody,
	buildBody,
	buildFieldsObject,
	inputOf,
	retryLaterJson,
	withoutOwnKeys,
} from '../../../../nodes/shared/outbound/content';
import { compileTemplate } from '../../../../nodes/shared/outbound/template';

const options = { xmlRootElement: 'payload', formNotation: 'dot' as const };

describe('Fields content', () => {
	it('builds nested objects from dotted names, as Vtiger maps fields', () => {
		expect(
			buildFieldsObject([
				{ name: 'deal.amount', value: 100 },
				{ name: 'deal.name', value: 'Big' },
				{ name: 'contact.emails[0]', value: 'a@b.c' },
				{ name: 'source', value: 'n8n' },
			]),
		).toEqual({ deal: { amount: 100, name: 'Big' }, contact: { emails: ['a@b.c'] }, source: 'n8n' });
	});

	it('refuses an empty name and names the parameter', () => {
		expect(() => buildFieldsObject([{ name: ' ', value: 1 }])).toThrow('Fields has a row without a name');
	});
});

describe('own keys of a returning item', () => {
	const returning = { email: 'a', error: 'x', delivery: { status: 'retry_later', idempotencyKey: 'k' }, response: {}, captured: {} };

	it('strips delivery, response, captured and error when the item carries a delivery record', () => {
		expect(withoutOwnKeys(returning)).toEqual({ email: 'a' });
	});

	it('leaves data alone that merely has similar keys', () => {
		const crm = { error: 'from the CRM', delivery: { address: 'Main St' } };
		expect(withoutOwnKeys(crm)).toBe(crm);
	});

	it('gives back the exact input of a Retry Later item, which only added its record', () => {
		const record = { status: 'retry_later', idempotencyKey: 'k', node: 'n1' };
		const input = { a: 1, delivery: 'express', response: { q: 1 }, error: null };
		const later = retryLaterJson(input, record);
		expect(Object.keys(later)).toEqual(['a', 'delivery', 'response', 'error']);
		expect(JSON.stringify(withoutOwnKeys(later))).toBe(JSON.stringify(input));
		expect(Object.keys(retryLaterJson({ a: 1 }, record))).toEqual(['delivery', 'a']);
		expect(withoutOwnKeys(retryLaterJson({ a: 1 }, record))).toEqual({ a: 1 });
	});

	it('takes a Retry Later record away only for the node that wrote it', () => {
		const later = retryLaterJson({ a: 1 }, { status: 'retry_later', idempotencyKey: 'k', node: 'n1' });
		expect(inputOf(later, 'n1')).toEqual({ a: 1 });
		expect(inputOf(later, 'n2')).toBe(later);
	});
});

describe('buildBody', () => {
	const json = { contact: { email: 'a@b.c' }, delivery: { status: 'failed', idempotencyKey: 'k' } };

	it('sends the whole item without the node keys', () => {
		expect(buildBody({ mode: 'wholeItem', json }, 'json', options)?.body.toString()).toBe('{"contact":{"email":"a@b.c"}}');
	});

	it('renders a template with the content type of the encoding', () => {
		const body = buildBody(
			{ mode: 'template', template: compileTemplate('<e>{{contact.email}}</e>', 'xml'), json, missing: 'empty' },
			'xml',
			options,
		);
		expect(body).toEqual({ body: Buffer.from('<e>a@b.c</e>'), contentType: 'application/xml; charset=utf-8' });
	});

	it('has no body for None', () => {
		expect(buildBody({ mode: 'none' }, 'json', options)).toBeUndefined();
	});

	it('collects every item in one JSON array, templates included', () => {
		const template = compileTemplate('{"e": "{{contact.email}}"}', 'jsonArray');
		const body = buildArrayBody([
			{ mode: 'wholeItem', json: { a: 1 } },
			{ mode: 'template', template, json, missing: 'empty' },
			{ mode: 'fields', fields: [{ name: 'x.y', value: 2 }] },
		]);
		expect(JSON.parse(body.body.toString())).toEqual([{ a: 1 }, { e: 'a@b.c' }, { x: { y: 2 } }]);
		expect(body.contentType).toBe('application/json; charset=utf-8');
	});
});

import { execFileSync } from 'node:child_process';
import path from 'node:path';

import {
	canonicalEventName,
	derivedEventId,
	eventIdOf,
	eventType,
	findEventType,
	idText,
	isoTime,
	nameWord,
	objectKey,
	without,
} from '../../../../nodes/shared/crm/events';
import { hubspot } from '../../../../nodes/shared/crm/hubspot';
import { requestInput } from './fixtures';
import { expandDottedKeys } from '../../../../nodes/shared/crm/records';
import { pathProblems, readPath } from '../../../../nodes/shared/crm/paths';

describe('canonical event names', () => {
	it.each([
		['ContactCreate', 'contact.created'],
		['ContactDndUpdate', 'contact_dnd.updated'],
		['Lead_Post_Create', 'lead.created'],
		['OpportunityField_Post_Update', 'opportunity_field.updated'],
		['Opportunity_POST_Update', 'opportunity.updated'],
		['BlogPostCreated', 'blog_post.created'],
		['SocialPostPublished', 'social_post.published'],
		['blog_post.created', 'blog_post.created'],
		['Deal Won', 'deal.won'],
		['deal_won', 'deal.won'],
		['Lead.Created', 'lead.created'],
		['opportunity.won', 'opportunity.won'],
		['INSTALL', 'event.installed'],
		['   ', 'unknown'],
	])('%s → %s', (name, canonical) => {
		expect(canonicalEventName(name)).toBe(canonical);
	});

	it.each([
		['ContactConstructor', 'contact.constructor'],
		['Contact___proto__', 'contact.proto'],
		['Contact_toString', 'contact_to.string'],
		['hasOwnProperty', 'has_own.property'],
		['constructor', 'event.constructor'],
	])('reads %s as words, never as an Object.prototype member', (name, canonical) => {
		expect(canonicalEventName(name)).toBe(canonical);
	});

	it('cuts sender-controlled names to a safe length', () => {
		expect(canonicalEventName('A'.repeat(10_000)).length).toBeLessThanOrEqual(210);
	});

	it.each([
		['CampaignMember', 'campaign_member'],
		['activityType', 'activity_type'],
		['SetState', 'set_state'],
		['Invoice__c', 'invoice__c'],
		['deal_product', 'deal_product'],
		['Product2', 'product2'],
		['a.b c', 'a_b_c'],
		['Price Books', 'price_books'],
		['Projects_X', 'projects_x'],
		[' Associate ', 'associate'],
		['', 'record'],
		['--', 'record'],
	])('object key of %s → %s', (name, key) => {
		expect(objectKey(name)).toBe(key);
	});

	it('makes one word of a name, empty when nothing is left, at most 200 characters', () => {
		expect(nameWord('--')).toBe('');
		expect(nameWord('A'.repeat(10_000)).length).toBe(200);
		expect(nameWord('aB'.repeat(10_000)).length).toBe(200);
	});
});

describe('findEventType', () => {
	const events = [
		eventType('deal.won', 'Deal Won', 'DealWon'),
		eventType('deal.updated', 'Deal Updated', 'deal.won', 'Deal.Changed'),
		eventType('deal.changed', 'Deal Changed'),
	];

	it.each([
		['deal.won', 'deal.won'],
		['DEAL WON', 'deal.won'],
		['dealwon', 'deal.won'],
		['  Deal Updated ', 'deal.updated'],
		// Matched by a later type's value and an earlier type's source name: the earlier type, as a search in order finds.
		['deal.changed', 'deal.updated'],
		['Deal.Changed', 'deal.updated'],
	])('%s → %s', (name, value) => {
		expect(findEventType(events, name)?.value).toBe(value);
	});

	it('finds nothing for an unknown or empty name, or in an empty list', () => {
		expect(findEventType(events, 'deal.lost')).toBeUndefined();
		expect(findEventType(events, '  ')).toBeUndefined();
		expect(findEventType([], 'deal.won')).toBeUndefined();
	});
});

describe('event ids and times', () => {
	it('hashes records independently of key order', () => {
		expect(derivedEventId('x', 'e', { a: 1, b: [{ c: 2, d: 3 }] })).toBe(derivedEventId('x', 'e', { b: [{ d: 3, c: 2 }], a: 1 }));
		expect(derivedEventId('x', 'e', { a: 1 })).not.toBe(derivedEventId('x', 'e', { a: 2 }));
		expect(derivedEventId('x', 'e', { a: 1 })).not.toBe(derivedEventId('y', 'e', { a: 1 }));
	});

	it('keeps a sent id, and marks a hash only when the hashed content holds no time of the change', () => {
		const record = { id: 1 };
		expect(eventIdOf('evt_1', undefined, 'x', 'e', record)).toEqual({ eventId: 'evt_1' });
		expect(eventIdOf(null, undefined, 'x', 'e', record)).toEqual({ eventId: derivedEventId('x', 'e', record), eventIdSource: 'hash' });
		expect(eventIdOf(null, '2025-01-15T10:30:00.000Z', 'x', 'e', record)).toEqual({ eventId: derivedEventId('x', 'e', record) });
	});

	it('keeps two long ids that share their first 200 characters apart, within 200 characters', () => {
		const prefix = `https://crm.example.com/events/${'a'.repeat(200)}`;
		const [first, second] = [idText(`${prefix}/1`), idText(`${prefix}/2`)];
		expect(first).not.toBe(second);
		expect([first?.length, second?.length]).toEqual([200, 200]);
		expect(first?.startsWith('https://crm.example.com/events/aaa')).toBe(true);
		expect(idText(` ${'b'.repeat(200)} `)).toBe('b'.repeat(200));
		expect(idText(42)).toBe('42');
	});

	it.each([
		['2025-01-15T10:30:00Z', '2025-01-15T10:30:00.000Z'],
		['2024-03-11 09:15:42', '2024-03-11T09:15:42.000Z'],
		[1736937000, '2025-01-15T10:30:00.000Z'],
		['1736937000000', '2025-01-15T10:30:00.000Z'],
		['1736937000123456', '2025-01-15T10:30:00.123Z'],
		[1736937000123456, '2025-01-15T10:30:00.123Z'],
		['2024-03-11 09:15', '2024-03-11T09:15:00.000Z'],
		['2024-03-11', '2024-03-11T00:00:00.000Z'],
		['2024-03-11T09:15:42+05:30', '2024-03-11T03:45:42.000Z'],
		['Mon, 11 Mar 2024 09:15:42 GMT', '2024-03-11T09:15:42.000Z'],
		['March 11, 2024 09:15', '2024-03-11T09:15:00.000Z'],
		['Mon, 11 Mar 2024 09:15:42 +0100', '2024-03-11T08:15:42.000Z'],
		['2024-03-11 09:15:42 -0500', '2024-03-11T14:15:42.000Z'],
		['2024-03', '2024-03-01T00:00:00.000Z'],
		[150000000000, '1974-10-03T02:40:00.000Z'],
		[99999999999, '5138-11-16T09:46:39.000Z'],
		['11-03-2024 09:15:42', undefined],
		['03/13/2024', undefined],
		['13/03/2024', undefined],
		['yesterday', undefined],
		[null, undefined],
	])('reads %p as %p', (value, iso) => {
		expect(isoTime(value)).toBe(iso);
	});

	it('reads the same times on a server in another time zone', () => {
		// Jest's sandbox cannot change the zone its own process reads: a child process in each zone does.
		const values = [
			'2024-03-11 09:15',
			'March 11, 2024 09:15',
			'Mon, 11 Mar 2024 09:15:42 GMT',
			'2025-01-15T10:30:00Z',
			'2024-03-11 09:15:42 +0100',
			'2024-03',
		];
		const script = `const { isoTime } = require('./nodes/shared/crm/events'); console.log(JSON.stringify(${JSON.stringify(values)}.map(isoTime)));`;
		const inZone = (TZ: string) =>
			JSON.parse(
				execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
					cwd: path.resolve(__dirname, '../../../..'),
					env: { ...process.env, TZ },
					encoding: 'utf8',
				}),
			) as unknown;
		const expected = [
			'2024-03-11T09:15:00.000Z',
			'2024-03-11T09:15:00.000Z',
			'2024-03-11T09:15:42.000Z',
			'2025-01-15T10:30:00.000Z',
			'2024-03-11T08:15:42.000Z',
			'2024-03-01T00:00:00.000Z',
		];
		for (const zone of ['UTC', 'Asia/Kolkata', 'America/New_York']) expect([zone, inZone(zone)]).toEqual([zone, expected]);
	});
});

describe('dotted form keys', () => {
	it('never reaches the prototype and keeps clashing keys flat', () => {
		const expanded = expandDottedKeys({
			'__proto__.polluted': 'x',
			'a.constructor.prototype.polluted': 'y',
			b: 'plain',
			'b.c': 'clash',
			'd[0][e]': 'bracket',
			'f.99999': 'big index',
		});
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(expanded).toEqual({
			'__proto__.polluted': 'x',
			'a.constructor.prototype.polluted': 'y',
			b: 'plain',
			'b.c': 'clash',
			d: [{ e: 'bracket' }],
			f: { '99999': 'big index' },
		});
	});

	it('expands keys named like Object.prototype members as any other', () => {
		expect(expandDottedKeys({ 'toString.a': 1, 'hasOwnProperty.0': 2, 'constructor.b': 3, 'valueOf.c': 4 })).toEqual({
			toString: { a: 1 },
			hasOwnProperty: [2],
			'constructor.b': 3,
			valueOf: { c: 4 },
		});
	});
});

describe('paths', () => {
	it('reads JSONPath and dotted paths, own properties only', () => {
		const value = { a: { b: [{ c: 1 }, { c: 2 }] } };
		expect(readPath(value, '$.a.b[1].c')).toBe(2);
		expect(readPath(value, 'a.b.0.c')).toBe(1);
		expect(readPath(value, '$.a.b[*].c')).toEqual([1, 2]);
		expect(readPath(value, 'a.constructor')).toBeUndefined();
		expect(readPath(value, '')).toBeUndefined();
	});

	it('reports a broken JSONPath', () => {
		expect(pathProblems('Event Type Path', '$.a[?(@.b ==)]')).toHaveLength(1);
		expect(pathProblems('Event Type Path', '$.a.b')).toEqual([]);
	});
});

describe('without', () => {
	it('drops the named keys and never copies a "__proto__" key into the result', () => {
		const record = JSON.parse('{"event_type":"x","__proto__":{"injected":"yes"},"a":1}') as Record<string, unknown>;
		const rest = without(record, ['event_type']);
		expect(Object.getPrototypeOf(rest)).toBe(Object.prototype);
		expect(rest).toEqual({ a: 1 });
		expect((rest as Record<string, unknown>).injected).toBeUndefined();
	});

	it('keeps an event’s data a plain object when the body names "__proto__" (HubSpot)', () => {
		for (const proto of ['{"injected":"yes"}', 'null']) {
			const body = `[{"eventId":1,"subscriptionType":"contact.creation","objectId":5,"__proto__":${proto},"x":1}]`;
			const result = hubspot.normalise(requestInput(body));
			if (!('events' in result)) throw new Error(result.error);
			expect(Object.getPrototypeOf(result.events[0].data)).toBe(Object.prototype);
		}
	});
});

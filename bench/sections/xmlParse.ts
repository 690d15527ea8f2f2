/**
 * Comparison 5, XML rows: what parsing an XML body costs per MB, the triggers' own reader and tree
 * builder against xml2js with the options the triggers used before (the same object shape), in the
 * same run and alternating. Typical CRM bodies, the two hostile shapes an outside review sent
 * (16 MB of sibling elements, one element with 600,000 attributes), the largest body the default
 * limits accept, and character references, the shape sax read slowest per MB (no limit counts
 * them, so their cost grows with Max Body Size).
 */
import type * as Xml from '../../nodes/shared/inbound/xml';
import type { Row } from '../lib/report';
import { shipped } from '../lib/shipped';
import { formatNumber, median, round } from '../lib/stats';
import { parseWithXml2js } from '../../test/unit/shared/inbound/xml2jsReference';

/** The built parser, set when the rows run (dist/ is built first). */
let parseXml: typeof Xml.parseXml;

const MB = 1024 * 1024;

interface XmlCase {
	id: string;
	name: string;
	body: string;
	/** Parses per round: enough for a small body to take milliseconds. */
	repeat: number;
	/** What the new parser must answer: a value, or the 413 code. */
	expect: 'value' | string;
	target: { text: string; met: (oursMs: number, ratio: number) => boolean };
}

/** A Salesforce outbound message at its maximum of 100 notifications, each a Lead with 20 fields. */
function salesforceOutboundMessage(): string {
	const fields = Array.from({ length: 20 }, (_, index) => `<sf:Field${index}__c>value ${index}</sf:Field${index}__c>`).join('');
	const notification = (index: number) =>
		`<Notification><Id>04l5g00000${String(index).padStart(5, '0')}</Id><sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>00Q5g0000${String(index).padStart(6, '0')}</sf:Id>${fields}</sObject></Notification>`;
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>00D5g000004Xyz1EAC</OrganizationId><ActionId>04k5g000000AbcdAAC</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/58.0</EnterpriseUrl><PartnerUrl>https://example.my.salesforce.com/services/Soap/u/58.0</PartnerUrl>${Array.from({ length: 100 }, (_, index) => notification(index)).join('')}</notifications></soapenv:Body></soapenv:Envelope>`;
}

/** A Vtiger contact with two related deals, about 1 KB (as in the handler rows). */
const VTIGER = `<?xml version="1.0" encoding="UTF-8"?><Contact><id>12x345</id><firstname>Mary</firstname><lastname>Jones</lastname><email>mary.jones@example.com</email><phone>+44 20 7946 0958</phone><title>Head of Operations</title><account_id>11x88</account_id><mailingcity>London</mailingcity><mailingcountry>United Kingdom</mailingcountry><description>Renewal owner; prefers e-mail contact before 10:00.</description><modifiedtime>2024-06-20 08:30:00</modifiedtime><deals><deal><id>13x901</id><potentialname>Website redesign</potentialname><amount>5000</amount></deal><deal><id>13x902</id><potentialname>Hosting renewal</potentialname><amount>1200</amount></deal></deals></Contact>`;

const fill = (unit: string, bytes: number) => unit.repeat(Math.floor(bytes / unit.length));

/** Refusing must cost a small fraction of what parsing the whole body cost before. */
const HOSTILE_TARGET = { text: '413 in ≤ 0.1× xml2js', met: (_ms: number, ratio: number) => ratio <= 0.1 };

const cases = (): XmlCase[] => [
	{
		id: '5d',
		name: 'Vtiger contact, 1 KB',
		body: VTIGER,
		repeat: 2000,
		expect: 'value',
		target: { text: '≤ 1× xml2js', met: (_ms, ratio) => ratio <= 1 },
	},
	{
		id: '5e',
		name: 'Salesforce outbound message, 100 notifications',
		body: salesforceOutboundMessage(),
		repeat: 100,
		expect: 'value',
		target: { text: '≤ 1× xml2js', met: (_ms, ratio) => ratio <= 1 },
	},
	{
		id: '5f',
		name: 'hostile: 16 MB, 2 million sibling elements',
		body: `<r>${fill('<a>1</a>', 16 * MB)}</r>`,
		repeat: 1,
		expect: 'xml_too_many_elements',
		target: HOSTILE_TARGET,
	},
	{
		id: '5g',
		name: 'hostile: 7 MB, one element with 600,000 attributes',
		body: `<r ${Array.from({ length: 600_000 }, (_, index) => `a${index}="1"`).join(' ')}/>`,
		repeat: 1,
		expect: 'xml_too_many_attributes',
		target: HOSTILE_TARGET,
	},
	{
		id: '5h',
		name: 'largest accepted: 16 MB, 99,999 elements of 160-character text',
		body: `<r>${`<a>${'y'.repeat(160)}</a>`.repeat(99_999)}</r>`,
		repeat: 1,
		expect: 'value',
		target: { text: '≤ 500 ms', met: (ms) => ms <= 500 },
	},
	{
		id: '5i',
		name: 'slowest per MB accepted: 1 MB of character references (&amp;)',
		body: `<r>${fill('&amp;', MB)}</r>`,
		repeat: 5,
		expect: 'value',
		target: { text: '≤ 100 ms (the default Max Body Size)', met: (ms) => ms <= 100 },
	},
];

function timeMs(repeat: number, parse: () => unknown): number {
	const started = process.hrtime.bigint();
	for (let index = 0; index < repeat; index++) parse();
	return Number(process.hrtime.bigint() - started) / 1e6 / repeat;
}

function check(setup: XmlCase) {
	const outcome = parseXml(setup.body, 1000) as { value?: unknown; code?: string };
	const seen = 'value' in outcome ? 'value' : outcome.code;
	if (seen !== setup.expect) throw new Error(`${setup.name}: expected ${setup.expect}, got ${seen}`);
}

/** Rounds alternate which parser goes first; the hostile bodies cost xml2js seconds, so they get fewer rounds. */
export function xmlParseRows(rounds: number, details: Record<string, unknown>): Row[] {
	parseXml = shipped<typeof Xml>('nodes/shared/inbound/xml').parseXml;
	return cases().map((setup) => {
		check(setup);
		const ours: number[] = [];
		const theirs: number[] = [];
		const count = setup.repeat > 1 ? rounds : Math.min(rounds, 3);
		for (let round = 0; round <= count; round++) {
			const first = round % 2 === 0;
			const a = timeMs(setup.repeat, first ? () => parseXml(setup.body, 1000) : () => parseWithXml2js(setup.body));
			const b = timeMs(setup.repeat, first ? () => parseWithXml2js(setup.body) : () => parseXml(setup.body, 1000));
			// Round 0 warms up.
			if (round === 0) continue;
			ours.push(first ? a : b);
			theirs.push(first ? b : a);
		}
		const megabytes = Buffer.byteLength(setup.body) / MB;
		const oursMs = median(ours);
		const theirsMs = median(theirs);
		const perMb = (ms: number) => `${formatNumber((ms * 1000) / megabytes)} µs/MB`;
		details[`XML: ${setup.name}`] = {
			bytes: Buffer.byteLength(setup.body),
			oursMs: ours.map((value) => round(value, 3)),
			xml2jsMs: theirs.map((value) => round(value, 3)),
		};
		return {
			id: setup.id,
			comparison: `XML parse, ${setup.name}${setup.expect === 'value' ? '' : ` (ours: 413 ${setup.expect})`}: ours vs xml2js`,
			ours: `${formatNumber(oursMs)} ms (${perMb(oursMs)})`,
			baseline: `${formatNumber(theirsMs)} ms (${perMb(theirsMs)})`,
			ratio: oursMs / theirsMs,
			target: setup.target.text,
			met: setup.target.met(oursMs, oursMs / theirsMs),
		};
	});
}

import { xmlLimitsFor } from '../../../../nodes/shared/inbound/xmlTree';
import { xmlTextAt } from '../../../../nodes/shared/inbound/xmlTextAt';

const PATH = ['Body', 'notifications', 'OrganizationId'];
const LIMITS = xmlLimitsFor(1000, 100);
const envelope = (inside: string, after = '') =>
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
	`<notifications xmlns="http://soap.sforce.com/2005/09/outbound">${inside}${after}</notifications></soapenv:Body></soapenv:Envelope>`;

describe('xmlTextAt', () => {
	it('finds the text at a path of local names, whatever the prefixes and the root', () => {
		expect(xmlTextAt(envelope('<OrganizationId>00D5g000004ABCDEA4</OrganizationId>'), PATH, LIMITS)).toEqual({
			value: '00D5g000004ABCDEA4',
		});
		expect(
			xmlTextAt(
				'<S:Root><x:Body><notifications><sf:OrganizationId> 00D </sf:OrganizationId></notifications></x:Body></S:Root>',
				PATH,
				LIMITS,
			),
		).toEqual({ value: '00D' });
		expect(xmlTextAt(envelope('<OrganizationId><![CDATA[00D]]>&amp;1</OrganizationId>'), PATH, LIMITS)).toEqual({ value: '00D&1' });
	});

	it('takes only the element at the path: not one nested elsewhere, not one under a second Body, and the first of two', () => {
		const elsewhere = envelope('<Notification><OrganizationId>00Dother</OrganizationId></Notification>');
		expect(xmlTextAt(elsewhere, PATH, LIMITS)).toEqual({ value: undefined });
		expect(xmlTextAt('<Body><notifications><OrganizationId>00Droot</OrganizationId></notifications></Body>', PATH, LIMITS)).toEqual({
			value: undefined,
		});
		const secondBody =
			'<Envelope><Body><other/></Body><Body><notifications><OrganizationId>00D</OrganizationId></notifications></Body></Envelope>';
		expect(xmlTextAt(secondBody, PATH, LIMITS)).toEqual({ value: undefined });
		const two = envelope('<OrganizationId>00Dfirst</OrganizationId><OrganizationId>00Dsecond</OrganizationId>');
		expect(xmlTextAt(two, PATH, LIMITS)).toEqual({ value: '00Dfirst' });
	});

	it('reads no further than the closing tag: what follows is neither counted nor checked', () => {
		const many = '<Notification><Id>1</Id></Notification>'.repeat(5000);
		expect(xmlTextAt(envelope('<OrganizationId>00D</OrganizationId>', many), PATH, LIMITS)).toEqual({ value: '00D' });
		expect(xmlTextAt(`${envelope('<OrganizationId>00D</OrganizationId>').slice(0, -40)}<broken`, PATH, LIMITS)).toEqual({ value: '00D' });
	});

	it('counts what stands before it against the limits, and refuses XML the triggers refuse', () => {
		const before = '<a/>'.repeat(2000);
		expect(xmlTextAt(envelope(`${before}<OrganizationId>00D</OrganizationId>`), PATH, LIMITS)).toMatchObject({
			status: 413,
			code: 'xml_too_many_elements',
		});
		const attributes = Array.from({ length: 1001 }, (_, index) => ` a${index}="1"`).join('');
		expect(xmlTextAt(envelope(`<x${attributes}/><OrganizationId>00D</OrganizationId>`), PATH, LIMITS)).toMatchObject({
			code: 'xml_too_many_attributes',
		});
		expect(xmlTextAt(`<!DOCTYPE x [<!ENTITY e "00D">]>${envelope('<OrganizationId>&e;</OrganizationId>')}`, PATH, LIMITS)).toMatchObject({
			status: 400,
		});
		expect(xmlTextAt('<a><b></a>', PATH, LIMITS)).toMatchObject({ status: 400, code: 'malformed_body' });
		expect(xmlTextAt('{"OrganizationId":"00D"}', PATH, LIMITS)).toMatchObject({ status: 400 });
		expect(xmlTextAt(`${'<d>'.repeat(101)}${'</d>'.repeat(101)}`, PATH, LIMITS)).toMatchObject({ status: 400 });
	});
});

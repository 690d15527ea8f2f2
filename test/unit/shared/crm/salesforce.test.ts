import { crmAuthenticator, crmProfile, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { SALESFORCE_ACK, salesforce } from '../../../../nodes/shared/crm/salesforce';
import { eventsOf, fixture, requestInput } from './fixtures';

const ORG_ID = '00D5g000004ABCDEA4';
const body = fixture('salesforce', 'opportunity-notifications.xml');
const xml = (bytes: Buffer | string = body) => requestInput(bytes, { contentType: 'text/xml; charset=utf-8', keepXmlTagCase: true });
const verify = (bytes: Buffer | string = body, organizationId = ORG_ID) =>
	crmAuthenticator(salesforce, 'builtIn', undefined, { salesforceOrganizationId: organizationId })(
		{ headers: { 'content-type': 'text/xml' }, query: {}, rawBody: Buffer.from(bytes) },
		{ toleranceSeconds: 0 },
	);
const withOrganization = (id: string) => body.toString().replace(ORG_ID, id);

describe('Salesforce profile', () => {
	it('is registered with its built-in organization check and the SOAP Ack as its required answer', () => {
		expect(crmProfile('salesforce')).toBe(salesforce);
		expect(salesforce.defaultAuthentication).toBe('builtIn');
		expect(salesforce.defaultResponse).toEqual({ status: 200, body: SALESFORCE_ACK, contentType: 'text/xml; charset=utf-8' });
		expect(SALESFORCE_ACK).toContain(
			'<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body>',
		);
	});

	it('makes one event per Notification: the sObject type as object, notification Id as event id, fields as data', () => {
		const events = eventsOf(salesforce.normalise(xml()));
		expect(events).toHaveLength(2);
		expect(events[0]).toEqual({
			event: 'opportunity.outbound_message',
			sourceEvent: 'Opportunity',
			crm: 'salesforce',
			eventId: '04l5g00000AbCdEAAV',
			occurredAt: '2025-01-15T10:29:58.000Z',
			object: { type: 'opportunity', id: '0065g00000Q1a2bAAB' },
			data: {
				Id: '0065g00000Q1a2bAAB',
				Amount: '125000.0',
				CloseDate: '2025-01-31',
				IsWon: 'true',
				LastModifiedDate: '2025-01-15T10:29:58.000Z',
				Name: 'Acme - 500 Widgets',
				NextStep: null,
				StageName: 'Closed Won',
			},
			context: {
				organizationId: ORG_ID,
				actionId: '04k5g000000XyZaAAK',
				enterpriseUrl: 'https://acme.my.salesforce.com/services/Soap/c/61.0/00D5g000004ABCD',
				partnerUrl: 'https://acme.my.salesforce.com/services/Soap/u/61.0/00D5g000004ABCD',
			},
		});
		expect(events[1]).toMatchObject({ eventId: '04l5g00000AbCdFAAV', object: { id: '0065g00000Q1a2cAAB' } });
	});

	it('never puts the session ID in the events, and blanks it in the raw body', () => {
		const events = eventsOf(salesforce.normalise(xml()));
		expect(JSON.stringify(events)).not.toContain('Fake.Session');
		const redacted = salesforce.redactRawBody?.(body.toString()) ?? '';
		expect(redacted).toContain('<SessionId>[redacted]</SessionId>');
		expect(redacted).not.toContain('Fake.Session');
		expect(redacted).toContain('<OrganizationId>00D5g000004ABCDEA4</OrganizationId>');
	});

	it('reads a single Notification, other prefixes, custom objects and a Notification without an sObject type', () => {
		const single = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><notifications>
			<OrganizationId>${ORG_ID}</OrganizationId><Notification><Id>04l000000000001AAA</Id>
			<sObject xsi:type="ns1:Invoice__c" xmlns:ns1="urn:sobject.enterprise.soap.sforce.com"><ns1:Id>a015g000001XyZAAA</ns1:Id>
			<ns1:Total__c>12.5</ns1:Total__c></sObject></Notification></notifications></s:Body></s:Envelope>`;
		const [event] = eventsOf(salesforce.normalise(xml(single)));
		expect(event).toMatchObject({
			event: 'invoice__c.outbound_message',
			sourceEvent: 'Invoice__c',
			eventId: '04l000000000001AAA',
			object: { type: 'invoice__c', id: 'a015g000001XyZAAA' },
			data: { Id: 'a015g000001XyZAAA', Total__c: '12.5' },
		});
		const campaignMember = single.replace('ns1:Invoice__c', 'sf:CampaignMember');
		expect(eventsOf(salesforce.normalise(xml(campaignMember)))[0].event).toBe('campaign_member.outbound_message');
		expect(salesforce.events.find((type) => type.sourceNames.includes('CampaignMember'))?.value).toBe('campaign_member.outbound_message');
	});

	it('renames a prefixed prototype key as the XML reader does, so no field comes from a prototype', () => {
		const hidden = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><notifications>
			<OrganizationId>${ORG_ID}</OrganizationId><Notification><Id>04l000000000002AAA</Id>
			<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Name>Visible</sf:Name>
			<sf:__proto__><sf:Id>006HIDDEN</sf:Id><sf:LastModifiedDate>2001-01-01T00:00:00Z</sf:LastModifiedDate></sf:__proto__>
			<sf:constructor>x</sf:constructor></sObject></Notification></notifications></s:Body></s:Envelope>`;
		const [event] = eventsOf(salesforce.normalise(xml(hidden)));
		expect(Object.getPrototypeOf(event.data)).toBe(Object.prototype);
		expect(event.object.id).toBeNull();
		expect(event.occurredAt).not.toBe('2001-01-01T00:00:00.000Z');
		expect(event.data).toEqual({
			Name: 'Visible',
			sanitized___proto__: { Id: '006HIDDEN', LastModifiedDate: '2001-01-01T00:00:00Z' },
			sanitized_constructor: 'x',
		});
	});

	it('refuses a body that is not an outbound message, and starts nothing for an empty body', () => {
		expect(salesforce.normalise(xml('<records><record><id>1</id></record></records>'))).toEqual({
			error: 'A Salesforce outbound message must be a SOAP envelope holding notifications',
		});
		expect(salesforce.normalise(xml(''))).toEqual({ events: [] });
	});

	it('accepts the configured organization, in its 18- or 15-character form', () => {
		expect(verify()).toEqual({ valid: true, scheme: 'salesforce-organization-id', secretIndex: 0 });
		expect(verify(body, '00D5g000004ABCD')).toMatchObject({ valid: true });
		// A message carrying the 15-character form is read the same way.
		expect(verify(withOrganization('00D5g000004ABCD'))).toMatchObject({ valid: true });
	});

	it("checks the organization of a message larger than the default XML limits: those are the node's to set, after the check", () => {
		const notifications = '<Notification><Id>04l5g00000ABCDEAAA</Id></Notification>'.repeat(60_000);
		const large = body.toString().replace('</notifications>', `${notifications}</notifications>`);
		expect(verify(large)).toMatchObject({ valid: true });
		expect(verify(large.replace(ORG_ID, '00D5g000004ABCEEA4'))).toMatchObject({ valid: false, forbidden: true });
	});

	it('refuses another organization with 403, and a message without one or not XML with 401', () => {
		expect(verify(withOrganization('00D5g000004ABCEEA4'))).toEqual({
			valid: false,
			reason: 'mismatch',
			message: 'The message comes from another Salesforce organization',
			forbidden: true,
		});
		// The same letters in another case are another organization.
		expect(verify(withOrganization('00d5g000004abcdEA4'))).toMatchObject({ valid: false, forbidden: true });
		expect(verify(body.toString().replace(/<OrganizationId>.*<\/OrganizationId>/, ''))).toMatchObject({ valid: false, reason: 'missing' });
		expect(verify('{"OrganizationId":"00D5g000004ABCDEA4"}')).toMatchObject({ valid: false, reason: 'malformed' });
		expect(verify(`<!DOCTYPE x [<!ENTITY e "${ORG_ID}">]>${body.toString()}`)).toMatchObject({ valid: false, reason: 'malformed' });
		expect(verify(body, '')).toMatchObject({ valid: false, forbidden: true });
	});

	it('names no header to redact, and reports a bad Organization ID setting', () => {
		expect(crmSecretHeaders(salesforce, 'builtIn', undefined)).toEqual([]);
		expect(salesforce.builtInVerification?.settingsProblems({ salesforceOrganizationId: ORG_ID })).toEqual([]);
		expect(salesforce.builtInVerification?.settingsProblems({})).toEqual([
			'Organization ID is empty: copy it from Salesforce Setup > Company Information',
		]);
	});
});

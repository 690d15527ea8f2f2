import { compileTemplate, renderTemplate } from '../../../../nodes/shared/outbound/template';
import type { Encoding } from '../../../../nodes/shared/outbound/encoders';

const render = (template: string, data: unknown, encoding: Encoding, missing: 'empty' | 'error' = 'empty') =>
	renderTemplate(compileTemplate(template, encoding), data, encoding, missing);

const hostile = { contact: { email: 'a"b\\c</x>&\n', name: "O'Brien <admin>", tags: ['a', 'b'], age: 42, vip: true, none: null } };

describe('merge tags in JSON', () => {
	it('escapes a value inside a string so quotes and backslashes cannot break out', () => {
		const body = render('{"email": "{{contact.email}}", "greeting": "Hi {{ contact.name }}!"}', hostile, 'json');
		expect(JSON.parse(body)).toEqual({ email: 'a"b\\c</x>&\n', greeting: "Hi O'Brien <admin>!" });
	});

	it('inserts a JSON value outside a string: numbers, booleans, arrays, null', () => {
		const body = render(
			'{"age": {{contact.age}}, "vip": {{contact.vip}}, "tags": {{contact.tags}}, "none": {{contact.none}}, "x": {{contact.missing}}}',
			hostile,
			'json',
		);
		expect(JSON.parse(body)).toEqual({ age: 42, vip: true, tags: ['a', 'b'], none: null, x: null });
	});

	it('quotes a string inserted outside quotes, so it can never inject JSON', () => {
		const body = render('{"v": {{contact.email}}}', { contact: { email: '1, "admin": true' } }, 'json');
		expect(JSON.parse(body)).toEqual({ v: '1, "admin": true' });
	});

	it('keeps track of escaped quotes in the template text', () => {
		const body = render('{"a": "say \\"{{contact.age}}\\"", "b": {{contact.age}}}', hostile, 'json');
		expect(JSON.parse(body)).toEqual({ a: 'say "42"', b: 42 });
	});

	it('accepts $json. in front of a path', () => {
		expect(JSON.parse(render('{"e": "{{ $json.contact.age }}"}', hostile, 'json'))).toEqual({ e: '42' });
	});

	it('explains a template that is not valid JSON', () => {
		expect(() => render('{"a": {{contact.age}},}', hostile, 'json')).toThrow(/does not produce valid JSON/);
	});

	it('can fail on missing values instead of sending them empty', () => {
		expect(() => render('{"a": "{{contact.phone}}"}', hostile, 'json', 'error')).toThrow(
			'Merge tag {{contact.phone}} has no value in this item',
		);
		expect(render('{"a": "{{contact.phone}}"}', hostile, 'json')).toBe('{"a": ""}');
	});
});

describe('merge tags in XML', () => {
	it('escapes text and attribute values', () => {
		expect(render('<c name="{{contact.name}}"><e>{{contact.email}}</e></c>', hostile, 'xml')).toBe(
			'<c name="O&apos;Brien &lt;admin&gt;"><e>a&quot;b\\c&lt;/x&gt;&amp;\n</e></c>',
		);
	});

	it('keeps CDATA sections intact, even when the value contains ]]>', () => {
		const out = render('<a><![CDATA[{{v}}]]></a><b>{{v}}</b>', { v: 'x]]><evil/>' }, 'xml');
		expect(out).toBe('<a><![CDATA[x]]]]><![CDATA[><evil/>]]></a><b>x]]&gt;&lt;evil/&gt;</b>');
	});
});

describe('merge tags in form and text bodies', () => {
	it('percent-encodes values for form bodies', () => {
		expect(render('email={{contact.email}}&tags={{contact.tags}}', hostile, 'form')).toBe(
			'email=a%22b%5Cc%3C%2Fx%3E%26%0A&tags=%5B%22a%22%2C%22b%22%5D',
		);
	});

	it('inserts raw text for text/plain', () => {
		expect(render('Hello {{contact.name}}, you are {{contact.age}}', hostile, 'text')).toBe("Hello O'Brien <admin>, you are 42");
	});
});

describe('template syntax', () => {
	it('reports an unclosed or empty tag and an invalid path', () => {
		expect(() => compileTemplate('{"a": "{{contact.email"}', 'json')).toThrow(/without a closing }} at position 8/);
		expect(() => compileTemplate('{{ }}', 'text')).toThrow(/empty merge tag/);
		expect(() => compileTemplate('{{a..b}}', 'text')).toThrow(/empty part/);
		expect(() => compileTemplate('{{__proto__.x}}', 'text')).toThrow(/reserved name/);
	});

	it('leaves text without tags alone', () => {
		expect(render('plain', {}, 'text')).toBe('plain');
	});
});

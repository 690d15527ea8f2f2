/**
 * Character and entity references, resolved as sax (without its strictEntities option) did for the
 * triggers, and xml2js for n8n's own Webhook node: XML's five entities, HTML 4's named ones (so a
 * CRM that writes `&nbsp;` or `&eacute;` keeps working) and numeric references to characters XML
 * allows. Anything else is refused: no entity is ever declared or fetched.
 */

/**
 * The named entities, by code point: a number sets the code point of the name after it, and each
 * following name takes the next one. (The same 253 names and characters as sax.ENTITIES; the unit
 * tests compare them.)
 */
const NAMED_BY_CODE_POINT = [
	'34 quot 38 amp apos 60 lt 62 gt 160 nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr',
	'deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc',
	'Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde',
	'Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil',
	'egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave',
	'uacute ucirc uuml yacute thorn yuml 338 OElig oelig 352 Scaron scaron 376 Yuml 402 fnof 710 circ 732 tilde 913 Alpha',
	'Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho 931 Sigma Tau Upsilon Phi Chi Psi',
	'Omega 945 alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma tau',
	'upsilon phi chi psi omega 977 thetasym upsih 982 piv 8194 ensp emsp 8201 thinsp 8204 zwnj zwj lrm rlm 8211 ndash mdash',
	'8216 lsquo rsquo sbquo 8220 ldquo rdquo bdquo 8224 dagger Dagger bull 8230 hellip 8240 permil 8242 prime Prime 8249',
	'lsaquo rsaquo 8254 oline 8260 frasl 8364 euro 8465 image 8472 weierp 8476 real 8482 trade 8501 alefsym 8592 larr uarr',
	'rarr darr harr 8629 crarr 8656 lArr uArr rArr dArr hArr 8704 forall 8706 part exist 8709 empty 8711 nabla isin notin',
	'8715 ni 8719 prod 8721 sum minus 8727 lowast 8730 radic 8733 prop infin 8736 ang 8743 and or cap cup int 8756 there4',
	'8764 sim 8773 cong 8776 asymp 8800 ne equiv 8804 le ge 8834 sub sup nsub 8838 sube supe 8853 oplus 8855 otimes 8869',
	'perp 8901 sdot 8968 lceil rceil lfloor rfloor 9001 lang rang 9674 loz 9824 spades 9827 clubs 9829 hearts diams',
];

function namedEntities(): Map<string, string> {
	const named = new Map<string, string>();
	let codePoint = 0;
	for (const token of NAMED_BY_CODE_POINT.join(' ').split(' ')) {
		if (/^\d/.test(token)) codePoint = Number(token);
		else named.set(token, String.fromCodePoint(codePoint++));
	}
	return named;
}

/** A Map, so that no name (`constructor`, `__proto__`) can reach an object's built-ins. */
export const NAMED_ENTITIES: ReadonlyMap<string, string> = namedEntities();

const NUMERIC = /^#(?:x([0-9a-f]+)|([0-9]+))$/;

/** The code points XML 1.0 lets a document hold (its `Char` production). */
const isXmlChar = (codePoint: number) =>
	codePoint === 0x9 ||
	codePoint === 0xa ||
	codePoint === 0xd ||
	(codePoint >= 0x20 && codePoint <= 0xd7ff) ||
	(codePoint >= 0xe000 && codePoint <= 0xfffd) ||
	(codePoint >= 0x10000 && codePoint <= 0x10ffff);

/**
 * The text `&name;` stands for, or undefined when it stands for nothing. Names match as sent, then
 * in lower case (`&AMP;` is `&`), as sax matched them; `&#X41;` is a hex reference too.
 */
export function resolveEntity(name: string): string | undefined {
	const named = NAMED_ENTITIES.get(name);
	if (named !== undefined) return named;
	const lower = name.toLowerCase();
	const numeric = NUMERIC.exec(lower);
	if (!numeric) return NAMED_ENTITIES.get(lower);
	const codePoint = numeric[1] === undefined ? Number(numeric[2]) : parseInt(numeric[1], 16);
	return isXmlChar(codePoint) ? String.fromCodePoint(codePoint) : undefined;
}

/**
 * The Idempotency-Key of each request: the user's own (Options › Idempotency Key or a Custom Headers entry), else
 * one derived from the execution, node, run and item, so a re-run of the same execution sends the same keys.
 */
import { createHash } from 'node:crypto';

import { OutboundConfigError } from '../shared/outbound/errors';
import type { HeaderEntry } from '../shared/outbound/headers';
import { validateHeaders } from '../shared/outbound/headers';
import type { RunInputs } from './runInputs';

const MAX_KEY_LENGTH = 255;

export const hashKey = (text: string) => `msg_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;

function checkKey(raw: unknown, field = 'Options › Idempotency Key'): string {
	const key = raw === undefined || raw === null ? '' : String(raw).trim();
	if (key === '')
		throw new OutboundConfigError(
			field,
			'The idempotency key is empty for this item',
			'Check the expression, or clear the option to derive the key from the execution',
		);
	if (key.length > MAX_KEY_LENGTH)
		throw new OutboundConfigError(field, `The idempotency key is longer than ${MAX_KEY_LENGTH} characters`, 'Use a shorter ID');
	validateHeaders([{ name: 'Idempotency-Key', value: key }], field);
	return key;
}

/**
 * The key the user gave: Options › Idempotency Key, else a Custom Headers entry named like the idempotency
 * header (the node would otherwise send its derived key under that name instead of the user's value).
 */
function customKey(run: RunInputs, itemIndex: number, headers: readonly HeaderEntry[]): string {
	const option = run.read<string>('options.idempotencyKey', itemIndex, '');
	const name = run.settings.idempotencyHeader.toLowerCase();
	const header = name === '' ? undefined : headers.find((entry) => entry.name.toLowerCase() === name);
	if (header === undefined) return option;
	const optionText = String(option ?? '').trim();
	if (optionText !== '' && optionText !== header.value.trim()) {
		throw new OutboundConfigError(
			'Custom Headers',
			`"${header.name}" holds another key than Options › Idempotency Key`,
			'Give the key in one place: remove the header, or clear the option',
		);
	}
	return optionText !== '' ? option : checkKey(header.value, 'Custom Headers');
}

export function itemKey(run: RunInputs, itemIndex: number, headers: readonly HeaderEntry[]): string {
	const custom = customKey(run, itemIndex, headers);
	return custom === '' ? hashKey(`${run.runId}:${itemIndex}`) : checkKey(custom);
}

/** One key for a JSON Array request: the shared custom key, a hash of the items' keys, or one derived from the run. */
export function batchKey(run: RunInputs, itemIndexes: number[], headers: readonly HeaderEntry[]): string {
	const custom = itemIndexes.map((itemIndex) => customKey(run, itemIndex, headers));
	if (custom.every((key) => key === '')) return hashKey(`${run.runId}:batch`);
	const keys = custom.map((key) => checkKey(key));
	return keys.every((key) => key === keys[0]) ? keys[0] : hashKey(keys.join('\n'));
}

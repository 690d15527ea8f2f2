/** Reads a V8 .cpuprofile and lists where the time went: self time and inclusive time per function. */

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

const label = (node: ProfileNode) =>
	`${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/node_modules\//, '')}:${node.callFrame.lineNumber + 1}`;

export function summariseProfile(profile: CpuProfile, top = 25, only?: string): string {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const sampled = new Map<number, number>();
	let total = 0;
	profile.samples.forEach((id, index) => {
		const delta = profile.timeDeltas[index] ?? 0;
		sampled.set(id, (sampled.get(id) ?? 0) + delta);
		total += delta;
	});
	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	for (const [id, time] of sampled) {
		const name = label(byId.get(id) as ProfileNode);
		self.set(name, (self.get(name) ?? 0) + time);
		// Each function counts once per sample, however often it recurses.
		const seen = new Set<string>();
		for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
			const frame = label(byId.get(current) as ProfileNode);
			if (seen.has(frame)) continue;
			seen.add(frame);
			inclusive.set(frame, (inclusive.get(frame) ?? 0) + time);
		}
	}
	const list = (times: Map<string, number>) =>
		[...times]
			.filter(([name]) => !only || name.includes(only))
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([name, time]) => `${(time / 1000).toFixed(1).padStart(9)} ms ${((100 * time) / total).toFixed(1).padStart(5)} %  ${name}`)
			.join('\n');
	return [`${(total / 1000).toFixed(0)} ms sampled`, '— self time —', list(self), '— inclusive time —', list(inclusive)].join('\n');
}

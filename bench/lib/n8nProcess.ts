import fs from 'node:fs';

/**
 * The n8n server process behind a harness handle. The harness starts n8n under a supervisor
 * (test/n8n/supervise.js), so its own handle is the supervisor; the n8n process is the one whose
 * command line is `n8n start` and whose environment names this instance's user folder. Found
 * through /proc, so the harness needs no change.
 */
export function findN8nPid(userFolder: string): number {
	const marker = `N8N_USER_FOLDER=${userFolder}`;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (!cmdline.some((part) => part.endsWith('/n8n/bin/n8n')) || !cmdline.includes('start')) continue;
			if (cmdline.some((part) => part.endsWith('supervise.js'))) continue;
			const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
			if (environ.includes(marker)) return Number(entry);
		} catch {
			// The process ended while we looked.
		}
	}
	throw new Error(`No n8n process found for ${userFolder}`);
}

/** VmRSS (current) and VmHWM (peak since start or the last reset), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
	return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0: write 5 to clear_refs). */
export function resetPeak(pid: number): void {
	fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuTimeMs(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	// utime and stime are fields 14 and 15 of /proc/<pid>/stat; after "pid (comm) " they sit at 11 and 12.
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

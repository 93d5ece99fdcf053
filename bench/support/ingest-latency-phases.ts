// Where an import's time goes, read after the runs from the service's own rows: the file's created_at and
// updated_at (the last update is the one to STORED) and the pg-boss rows of its ingest and probe jobs.
// Read afterwards so that the measurement itself adds no queries.
import pg from 'pg';

export interface ServerPhases {
  'POST start → file row created': number;
  'ingest job queued → picked up': number;
  'ingest: download + write + update → probe job queued': number;
  'probe job queued → picked up': number;
  'probe: ffprobe + update to STORED': number;
  'STORED in the database → seen by the client': number;
}

interface MeasuredRun {
  fileId: string;
  startedAtMs: number;
  totalMs: number;
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

export async function serverPhases(databaseUrl: string, runs: MeasuredRun[]): Promise<ServerPhases[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Record<'id' | 'created' | 'stored' | 'ingest_queued' | 'ingest_started' | 'probe_queued' | 'probe_started', number | string>>(
      `SELECT f.id::text AS id, ${ms('f.created_at')} AS created, ${ms('f.updated_at')} AS stored,
              ${ms('i.created_on')} AS ingest_queued, ${ms('i.started_on')} AS ingest_started,
              ${ms('p.created_on')} AS probe_queued, ${ms('p.started_on')} AS probe_started
         FROM files f
         JOIN pgboss.job i ON i.name = 'file.ingest' AND i.data->>'fileId' = f.id::text
         JOIN pgboss.job p ON p.name = 'file.probe' AND p.data->>'fileId' = f.id::text
        WHERE f.id = ANY($1::uuid[]) AND f.status = 'STORED'`,
      [runs.map((r) => r.fileId)],
    );
    const byId = new Map(rows.map((row) => [row.id as string, row as Record<string, number>]));
    return runs.flatMap((run) => {
      const row = byId.get(run.fileId);
      if (!row) return [];
      return [{
        'POST start → file row created': row.created! - run.startedAtMs,
        'ingest job queued → picked up': row.ingest_started! - row.ingest_queued!,
        'ingest: download + write + update → probe job queued': row.probe_queued! - row.ingest_started!,
        'probe job queued → picked up': row.probe_started! - row.probe_queued!,
        'probe: ffprobe + update to STORED': row.stored! - row.probe_started!,
        'STORED in the database → seen by the client': run.startedAtMs + run.totalMs - row.stored!,
      }];
    });
  } finally {
    await client.end();
  }
}

import { useState } from 'preact/hooks';
import { Field } from '../../components/field.js';
import { ErrorNotice, Loading } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useResource } from '../../use-resource.js';

interface Entry {
  id: number;
  at: number;
  actorKind: string;
  actorName: string | null;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
}

const PAGE = 25;

/** The audit log with filters; "older" follows nextBefore, "newest" starts over. */
export function AuditPage() {
  const { t, maybe, formatDate } = useI18n();
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const [applied, setApplied] = useState({ action: '', outcome: '' });
  const [pages, setPages] = useState<number[]>([]);
  const before = pages[pages.length - 1];
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (applied.action) query.set('action', applied.action);
  if (applied.outcome) query.set('outcome', applied.outcome);
  if (before) query.set('before', String(before));
  const log = useResource<{ entries: Entry[]; nextBefore: number | null }>(`/api/admin/audit?${query}`);
  const apply = (e: Event) => {
    e.preventDefault();
    setApplied({ action: action.trim(), outcome });
    setPages([]);
  };
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.audit')}</h1>
      <form onSubmit={apply} class="card row end" role="search" aria-label={t('admin.auditFilter')}>
        <Field id="audit-action" label={t('admin.auditAction')} hint={t('admin.auditActionHint')}>
          <input id="audit-action" maxLength={64} value={action} aria-describedby="audit-action-hint" onInput={(e) => setAction(e.currentTarget.value)} />
        </Field>
        <Field id="audit-outcome" label={t('admin.auditOutcome')}>
          <select id="audit-outcome" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
            <option value="">{t('admin.any')}</option>
            {(['ok', 'denied', 'failed'] as const).map((o) => (
              <option key={o} value={o}>
                {t(`audit.outcome.${o}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">{t('admin.filter')}</button>
      </form>
      <ErrorNotice error={log.error} />
      {log.loading && <Loading />}
      {log.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('admin.audit')}>
          <table>
            <caption class="sr-only">{t('admin.audit')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.when')}</th>
                <th scope="col">{t('admin.who')}</th>
                <th scope="col">{t('admin.auditAction')}</th>
                <th scope="col">{t('admin.target')}</th>
                <th scope="col">{t('admin.auditOutcome')}</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {log.data.entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.at)}</td>
                  <td>{e.actorName ?? e.actorKind}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.target ?? ''}</td>
                  <td>{maybe(`audit.outcome.${e.outcome}`) ?? e.outcome}</td>
                  <td>{e.ip ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="row" aria-label={t('admin.pages')}>
        <button type="button" disabled={pages.length === 0} onClick={() => setPages([])}>
          {t('admin.newest')}
        </button>
        <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
          {t('admin.newer')}
        </button>
        <button type="button" disabled={!log.data?.nextBefore} onClick={() => log.data?.nextBefore && setPages([...pages, log.data.nextBefore])}>
          {t('admin.older')}
        </button>
      </nav>
    </section>
  );
}

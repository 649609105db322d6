/**
 * One section of the case page: a titled panel with its content, then its actions slot (./actions.tsx). A section
 * with nothing to show and no actions for the viewer is left out.
 */
import type { ReactNode } from 'react';
import { SECTION_ACTIONS, type CaseSectionId } from './actions';
import { useCase } from './context';

export function SectionActions({ id }: { id: CaseSectionId }) {
  const { print } = useCase();
  const Actions = print ? undefined : SECTION_ACTIONS[id];
  return Actions ? (
    <div className="section-actions" data-testid={`actions-${id}`}>
      <Actions />
    </div>
  ) : null;
}

export function Section({
  id,
  title,
  empty,
  emptyText,
  children,
}: {
  id: CaseSectionId;
  title: string;
  /** Nothing to show: the section is left out unless it has actions (then `emptyText` stands for the content). */
  empty?: boolean;
  emptyText?: string;
  children?: ReactNode;
}) {
  const { print } = useCase();
  if (empty && (print || !SECTION_ACTIONS[id])) return null;
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-section={id}>
      <h2 id={`${id}-h`}>{title}</h2>
      {empty ? emptyText ? <p className="muted">{emptyText}</p> : null : children}
      <SectionActions id={id} />
    </section>
  );
}

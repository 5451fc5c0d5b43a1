/** The conversion reports of a range (goals, properties, a funnel, outbound links, downloads and 404s) and the forms that define them. */
import { useState } from 'react';
import type { SelectedGoal } from '../../hooks/useGoalColumns.js';
import type { Api, Filters } from '../../lib/api.js';
import { ConversionSettings } from './ConversionSettings.js';
import { FunnelCard } from './FunnelCard.js';
import { GoalsCard } from './GoalsCard.js';
import { LinksCard } from './LinksCard.js';

interface Props {
  api: Api;
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
  /** Show the forms that define goals and funnels (owners, admins, service tokens). */
  canEdit: boolean;
  /** The goal chosen for the breakdowns' goal columns (held by Reports). */
  goal: SelectedGoal | null;
  onGoal: (goal: SelectedGoal | null) => void;
}

export function Conversions({ api, site, from, to, filters, canEdit, goal, onGoal }: Props) {
  // Bumped by the forms so that the reports read the new definitions.
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <div className="conversions">
      <GoalsCard
        api={api}
        site={site}
        from={from}
        to={to}
        filters={filters}
        version={version}
        selected={goal}
        onSelect={onGoal}
      />
      <FunnelCard api={api} site={site} from={from} to={to} filters={filters} version={version} />
      <LinksCard api={api} site={site} from={from} to={to} filters={filters} />
      {canEdit && (
        <ConversionSettings
          api={api}
          site={site}
          version={version}
          onChange={bump}
          onGoalDeleted={(id) => {
            if (goal?.id === id) onGoal(null);
          }}
        />
      )}
    </div>
  );
}

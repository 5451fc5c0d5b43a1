-- What a site defines beside its reports: goals, funnels and content groups (tables in 0010).
-- The dashboard writes them through PostgREST under RLS (42_conversions_security.sql); these
-- triggers refuse what the reports could not read, with SQLSTATE 22023 (PostgREST: HTTP 400)
-- and a message that names the field.

-- A path pattern (packages/schema/src/path-pattern.ts): a path, `*` within a segment, `**`
-- across segments; no query string, fragment or control character.
create or replace function private.check_path_pattern(p_pattern text, p_field text)
returns void
language plpgsql immutable as $$
begin
  if p_pattern is not null and (p_pattern !~ '^/' or p_pattern ~ '[?#[:cntrl:]]') then
    raise exception '% must be a path starting with "/", without "?" or "#"', p_field
      using errcode = '22023', hint = 'a path such as /checkout/*/done: * within a segment, ** across';
  end if;
end
$$;

-- A goal, funnel or content group stays on the site it was defined for: funnels name goals by
-- id within one site, and a row moved to another site would take its place in that site's
-- reports (or, for a goal, leave its funnels pointing at another site's goal).
create or replace function private.check_same_site(p_old_site text, p_new_site text)
returns void
language plpgsql immutable as $$
begin
  if p_old_site is distinct from p_new_site then
    raise exception 'site_id cannot change: delete it and define it on the other site'
      using errcode = '22023';
  end if;
end
$$;

create or replace function private.check_goal() returns trigger
language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    perform private.check_same_site(old.site_id, new.site_id);
  end if;
  perform private.check_path_pattern(new.page_path, 'page_path');
  return new;
end
$$;
create or replace trigger goals_check before insert or update on public.goals
  for each row execute function private.check_goal();

create or replace function private.check_content_group() returns trigger
language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    perform private.check_same_site(old.site_id, new.site_id);
  end if;
  perform private.check_path_pattern(new.path_pattern, 'path_pattern');
  return new;
end
$$;
create or replace trigger content_groups_check before insert or update on public.content_groups
  for each row execute function private.check_content_group();

-- A funnel's steps: each {"page": "<pattern>"} or {"goal": <id of a goal of the same site>}.
create or replace function private.check_funnel() returns trigger
language plpgsql as $$
declare
  v_step jsonb;
  v_i integer := 0;
begin
  if tg_op = 'UPDATE' then
    perform private.check_same_site(old.site_id, new.site_id);
  end if;
  for v_step in select s from jsonb_array_elements(new.steps) s loop
    v_i := v_i + 1;
    if jsonb_typeof(v_step) <> 'object' or (select count(*) from jsonb_object_keys(v_step)) <> 1
       or not (v_step ? 'page' or v_step ? 'goal') then
      raise exception 'step % must be {"page": "<path pattern>"} or {"goal": <goal id>}', v_i
        using errcode = '22023';
    end if;
    if v_step ? 'page' then
      if jsonb_typeof(v_step -> 'page') <> 'string' then
        raise exception 'step %: page must be a string', v_i using errcode = '22023';
      end if;
      perform private.check_path_pattern(v_step ->> 'page', format('step %s: page', v_i));
    elsif jsonb_typeof(v_step -> 'goal') <> 'number'
       or not exists (select 1 from public.goals g
                      where g.id = (v_step ->> 'goal')::numeric and g.site_id = new.site_id) then
      raise exception 'step %: goal % is not a goal of site %', v_i, v_step -> 'goal', new.site_id
        using errcode = '22023';
    end if;
  end loop;
  return new;
end
$$;
create or replace trigger funnels_check before insert or update on public.funnels
  for each row execute function private.check_funnel();

-- A goal a funnel uses as a step stays until the funnel no longer does.
create or replace function private.check_goal_unused() returns trigger
language plpgsql as $$
declare
  v_funnel text;
begin
  select f.name into v_funnel from public.funnels f
  where f.site_id = old.site_id
    and exists (select 1 from jsonb_array_elements(f.steps) s
                where s ->> 'goal' = old.id::text)
  limit 1;
  if v_funnel is not null then
    raise exception 'goal "%" is a step of funnel "%": change the funnel first', old.name, v_funnel
      using errcode = '22023';
  end if;
  return old;
end
$$;
create or replace trigger goals_in_use before delete on public.goals
  for each row execute function private.check_goal_unused();

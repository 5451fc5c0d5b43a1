/**
 * The second check: ClickHouse's own parser (`EXPLAIN AST`) reads the query exactly as it will
 * run, and only the node types, functions and shapes listed here pass. It fails closed: a line
 * of the AST it cannot read, or a node it does not know, refuses the query. This is what keeps
 * a query that fooled the text check (check-text.ts) from reaching anything else.
 */
import { AnalyticsEngineQueryError } from './query-error.js';
import { SQL_FUNCTIONS } from './sql-reference.js';

export interface AstNode {
  type: string;
  /** The rest of the line after the type: a name, a literal, `(alias …)`, `(children n)`. */
  detail: string;
  children: AstNode[];
}

const refuse = (message: string) => new AnalyticsEngineQueryError('UNSUPPORTED_CONSTRUCT', message);

/** Parses the indented text of `EXPLAIN AST` (one node per line, one space per level). */
export function parseExplainAst(text: string): AstNode {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const root: AstNode = { type: '(root)', detail: '', children: [] };
  const stack: AstNode[] = [root];
  for (const line of lines) {
    const depth = line.length - line.trimStart().length;
    const match = /^([A-Za-z]+)(?: (.*))?$/.exec(line.slice(depth));
    if (!match || depth > stack.length - 1) throw refuse('the query could not be checked');
    const node: AstNode = { type: match[1]!, detail: match[2] ?? '', children: [] };
    stack.length = depth + 1;
    stack[depth]!.children.push(node);
    stack.push(node);
  }
  if (root.children.length !== 1) throw refuse('the query could not be checked');
  return root.children[0]!;
}

/** ClickHouse names (lower case) a query may call: the reference's functions as they run. */
const FUNCTIONS = new Set(
  [
    ...SQL_FUNCTIONS.map((f) => f.clickhouse ?? f.name),
    // count/sum/avg(DISTINCT x)
    'countDistinct',
    'sumDistinct',
    'avgDistinct',
    // Operators, as the parser turns them into functions.
    ...['plus', 'minus', 'multiply', 'divide', 'modulo', 'negate'],
    ...['equals', 'notEquals', 'less', 'greater', 'lessOrEquals', 'greaterOrEquals'],
    ...['in', 'notIn', 'and', 'or', 'not', 'like', 'notLike', 'ilike', 'notILike'],
    // INTERVAL '<n>' <unit>, and extract(<unit> FROM …) for the units the reference lists.
    ...['toIntervalYear', 'toIntervalMonth', 'toIntervalDay', 'toIntervalHour'],
    ...['toIntervalMinute', 'toIntervalSecond'],
  ].map((name) => name.toLowerCase()),
);

/** Functions that take a parameter list: quantileExactWeighted(0.5)(x, w), topK(10)(x). */
const PARAMETRIC = new Set(
  SQL_FUNCTIONS.filter((f) => f.parametric).map((f) => f.name.toLowerCase()),
);

const NAME = /^(\S+)/;

function nameOf(node: AstNode): string {
  return NAME.exec(node.detail)?.[1] ?? '';
}

/** Checks an expression; `inList` when it is the list of an IN / NOT IN. */
function checkExpression(node: AstNode, inList = false): void {
  switch (node.type) {
    case 'Identifier':
      if (nameOf(node).includes('.')) {
        throw refuse(
          'qualified names are not supported: a query reads one dataset, by its bare name',
        );
      }
      return;
    case 'Asterisk':
      return;
    case 'Literal': {
      const value = node.detail;
      if (value.startsWith('Tuple_') && inList) return;
      if (/^(UInt64|Int64|Float64|Bool)_|^'/.test(value)) return;
      throw refuse(
        value.startsWith('Tuple_')
          ? 'tuple literals are supported only as the list of IN / NOT IN'
          : `unsupported literal ${value.split(' ')[0]}`,
      );
    }
    case 'ExpressionList':
    case 'OrderByElement':
      node.children.forEach((child) => checkExpression(child));
      return;
    case 'Function': {
      const name = nameOf(node);
      const lower = name.toLowerCase();
      const lists = node.children;
      if (lower === 'tuple' && inList) {
        lists.forEach((child) => checkExpression(child));
        return;
      }
      if (!FUNCTIONS.has(lower)) {
        throw new AnalyticsEngineQueryError('UNSUPPORTED_FUNCTION', `unknown function ${name}`);
      }
      const maxLists = PARAMETRIC.has(lower) ? 2 : 1;
      if (lists.length > maxLists || lists.some((c) => c.type !== 'ExpressionList')) {
        throw refuse(`unsupported use of ${name}`);
      }
      const isIn = lower === 'in' || lower === 'notin';
      for (const list of lists)
        list.children.forEach((c, i) => checkExpression(c, isIn && i === 1));
      return;
    }
    default:
      throw refuse(`unsupported construct ${node.type}`);
  }
}

function checkTables(node: AstNode, datasets: Set<string>): void {
  const element = node.children;
  if (element.length !== 1)
    throw refuse('JOIN is not supported (queries can only operate on a single table)');
  const parts = element[0]!.children;
  if (
    element[0]!.type !== 'TablesInSelectQueryElement' ||
    parts.length !== 1 ||
    parts[0]!.type !== 'TableExpression'
  ) {
    throw refuse(
      'JOIN and ARRAY JOIN are not supported (queries can only operate on a single table)',
    );
  }
  const sources = parts[0]!.children;
  if (sources.length !== 1) throw refuse('SAMPLE and FINAL are not supported');
  const source = sources[0]!;
  if (source.type === 'Subquery' && source.children.length === 1) {
    checkSelect(source.children[0]!, datasets);
    return;
  }
  if (source.type !== 'TableIdentifier') {
    throw refuse(
      source.type === 'Function'
        ? `table functions are not supported (${nameOf(source)})`
        : `unsupported FROM ${source.type}`,
    );
  }
  const name = nameOf(source);
  if (name.includes('.')) throw refuse('only datasets can be queried, by their bare name');
  if (!datasets.has(name)) {
    throw new AnalyticsEngineQueryError('UNKNOWN_DATASET', `unknown dataset ${name}`);
  }
}

/** Checks a SelectWithUnionQuery: one SELECT, one dataset or subquery, allowed expressions. */
function checkSelect(node: AstNode, datasets: Set<string>): void {
  if (node.type !== 'SelectWithUnionQuery') throw refuse(`unsupported statement ${node.type}`);
  const list = node.children[0];
  if (node.children.length !== 1 || list?.type !== 'ExpressionList' || list.children.length !== 1) {
    throw refuse('UNION is not supported (queries can only operate on a single table)');
  }
  const select = list.children[0]!;
  if (select.type !== 'SelectQuery') throw refuse(`unsupported statement ${select.type}`);
  for (const part of select.children) {
    if (part.type === 'TablesInSelectQuery') checkTables(part, datasets);
    else checkExpression(part);
  }
}

/**
 * Checks the `EXPLAIN AST` text of a query; `datasets` are the tables a query may read.
 *
 * @example
 * checkExplainAst(await explain('SELECT count() FROM events'), new Set(['events']));
 */
export function checkExplainAst(explain: string, datasets: Set<string>): void {
  checkSelect(parseExplainAst(explain), datasets);
}

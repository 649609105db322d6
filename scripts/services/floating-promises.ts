/**
 * A promise nobody awaits, returns, or handles loses its failure: the rule typescript-eslint calls
 * no-floating-promises, run here on the type checker the type check already built (scripts/typecheck.ts), instead of
 * ESLint building the same programs a second time. It reports an expression statement whose value is a promise (or an
 * array of promises) unless it is awaited, marked `void`, handled with `.catch(handler)` or `.then(ok, failed)` (a `.finally` after them included), or
 * assigned; each branch of `a ? b : c`, `a && b`, `a || b`, `a ?? b` and `a, b` is looked at on its own.
 */
import ts from 'typescript';

export interface FloatingPromise {
  file: string;
  line: number;
  column: number;
  text: string;
}

function isThenable(checker: ts.TypeChecker, node: ts.Node, type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some((part) => {
    const then = part.getProperty('then');
    return then !== undefined && checker.getTypeOfSymbolAtLocation(then, node).getCallSignatures().length > 0;
  });
}

function isPromiseArray(checker: ts.TypeChecker, node: ts.Node, type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some(
    (part) =>
      (checker.isArrayType(part) || checker.isTupleType(part)) &&
      checker.getTypeArguments(part as ts.TypeReference).some((element) => isThenable(checker, node, element)),
  );
}

const HANDLED_OPERATORS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);
const BRANCHING_OPERATORS = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.CommaToken,
]);

/** `(x)`, `x as T`, `x!`, `x satisfies T` are x. */
function unwrap(expr: ts.Expression): ts.Expression {
  let node = expr;
  while (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isSatisfiesExpression(node)
  )
    node = node.expression;
  return node;
}

/** Whether the value of `expr`, left as a statement, is a promise whose failure nobody will see. */
function isFloating(checker: ts.TypeChecker, expr: ts.Expression): boolean {
  const node = unwrap(expr);
  if (ts.isVoidExpression(node) || ts.isAwaitExpression(node)) return false;
  if (ts.isConditionalExpression(node))
    return isFloating(checker, node.whenTrue) || isFloating(checker, node.whenFalse);
  if (ts.isBinaryExpression(node)) {
    if (HANDLED_OPERATORS.has(node.operatorToken.kind)) return false;
    if (BRANCHING_OPERATORS.has(node.operatorToken.kind))
      return isFloating(checker, node.left) || isFloating(checker, node.right);
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    if (method === 'catch' && node.arguments.length >= 1) return false;
    if (method === 'then' && node.arguments.length >= 2) return false;
    // `.finally` passes its promise's outcome on: handled if the promise before it was.
    if (method === 'finally') return isFloating(checker, node.expression.expression);
  }
  const type = checker.getTypeAtLocation(node);
  return isThenable(checker, node, type) || isPromiseArray(checker, node, type);
}

/** The floating promises of one source file. */
export function floatingPromisesIn(checker: ts.TypeChecker, file: ts.SourceFile): FloatingPromise[] {
  const found: FloatingPromise[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node) && isFloating(checker, node.expression)) {
      const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push({ file: file.fileName, line: line + 1, column: character + 1, text: node.getText(file).slice(0, 80) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

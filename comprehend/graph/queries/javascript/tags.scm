; Definitions and calls, from tree-sitter-javascript's queries/tags.scm, plus top-level
; constants and the test cases of jest/mocha/vitest (`it("adds", () => ...)`).
(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(class_declaration
  name: (_) @name) @definition.class

(class
  name: (_) @name) @definition.class

(method_definition
  name: (_) @name) @definition.function

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(program
  (lexical_declaration
    (variable_declarator
      name: (identifier) @name
      value: (_) @value) @definition.constant))

(program
  (variable_declaration
    (variable_declarator
      name: (identifier) @name
      value: (_) @value) @definition.constant))

(program
  (export_statement
    declaration: (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: (_) @value) @definition.constant)))

(call_expression
  function: [(identifier) (member_expression)] @runner
  arguments: (arguments
    .
    [(string) (template_string)] @name
    .
    [(arrow_function) (function_expression)])) @definition.test

(call_expression
  function: [(identifier) (member_expression)] @call)

(new_expression
  constructor: [(identifier) (member_expression)] @call)

; CommonJS: every top-level assignment to a property, one match each (a predicate here
; costs more than javascript.py's test): `exports.x = ...` and `module.exports.x = ...`
; define x, `module.exports = function f() {}` defines f; `exports` says what they expose.
(program
  (expression_statement
    (assignment_expression
      left: (member_expression)
      right: (_) @value) @definition.export @exports))

; the same, rebinding the exports name too: `exports = module.exports = createApp`
(program
  (expression_statement
    (assignment_expression
      left: (identifier)
      right: (assignment_expression
        left: (member_expression)
        right: (_) @value) @definition.export @exports)))

; the properties of `module.exports = { x: ... }` (shorthand methods are method_definitions)
(program
  (expression_statement
    (assignment_expression
      left: (member_expression) @_module_exports
      right: (object
        (pair
          key: (property_identifier) @name
          value: (_) @value) @definition.export)))
  (#eq? @_module_exports "module.exports"))

; Definitions and calls, from tree-sitter-javascript and tree-sitter-typescript's queries/tags.scm, plus top-level
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

(abstract_class_declaration
  name: (_) @name) @definition.class

(interface_declaration
  name: (_) @name) @definition.class

(enum_declaration
  name: (_) @name) @definition.class

(internal_module
  name: (_) @name) @definition.scope

(method_signature
  name: (_) @name) @definition.function

(abstract_method_signature
  name: (_) @name) @definition.function

(function_signature
  name: (_) @name) @definition.function

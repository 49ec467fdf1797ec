; Definitions and calls, from tree-sitter-go's queries/tags.scm. A method's qualified name
; takes its receiver's type (Circle.Area); composite literals (Circle{}) construct a type.
(function_declaration
  name: (identifier) @name) @definition.function

(method_declaration
  name: (field_identifier) @name) @definition.function

(type_spec
  name: (type_identifier) @name) @definition.class

(source_file
  (const_declaration
    (const_spec
      name: (identifier) @name) @definition.constant))

(source_file
  (var_declaration
    (var_spec
      name: (identifier) @name) @definition.constant))

(call_expression
  function: [(identifier) (selector_expression)] @call)

(composite_literal
  type: [(type_identifier) (qualified_type)] @call)

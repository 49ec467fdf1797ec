; Definitions and calls, from tree-sitter-java's queries/tags.scm, plus static final
; fields as constants.
(class_declaration
  name: (identifier) @name) @definition.class

(interface_declaration
  name: (identifier) @name) @definition.class

(enum_declaration
  name: (identifier) @name) @definition.class

(record_declaration
  name: (identifier) @name) @definition.class

(annotation_type_declaration
  name: (identifier) @name) @definition.class

(method_declaration
  name: (identifier) @name) @definition.function

(constructor_declaration
  name: (identifier) @name) @definition.function

(field_declaration
  (modifiers) @modifiers
  declarator: (variable_declarator
    name: (identifier) @name)) @definition.constant

(method_invocation
  name: (identifier)) @call

(object_creation_expression
  type: [(type_identifier) (scoped_type_identifier)] @call)

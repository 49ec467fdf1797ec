; Names a test passes without calling them: expect(x).toBe(LIMIT), toThrow(MyError).
(arguments
  [(identifier) (member_expression)] @reference)

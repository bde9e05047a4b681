# gem_judge.rb: test-only judge: "cmp<TAB>a<TAB>b" -> Gem::Version a <=> b (or invalid),
# "req<TAB>requirement<TAB>version" -> Gem::Requirement satisfied_by? (1/0/invalid).
require 'rubygems'
out = []
STDIN.each_line do |line|
  cmd, a, b = line.chomp("\n").split("\t", -1)
  begin
    if cmd == 'cmp'
      out << (Gem::Version.correct?(a) && Gem::Version.correct?(b) ? (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s : 'invalid')
    else
      req = Gem::Requirement.new(*a.split(',').map(&:strip))
      out << (req.satisfied_by?(Gem::Version.new(b)) ? '1' : '0')
    end
  rescue ArgumentError, Gem::Requirement::BadRequirementError
    out << 'invalid'
  end
end
STDOUT.write(out.map { |l| l + "\n" }.join)

namespace OpenMemory.Build.Bench;

/// <summary>A figure measured on its own (a bench mode) replaces its own marked block of RESULTS.md and leaves the rest.</summary>
internal static class ResultsBlock
{
    public static void Write(string output, string begin, string end, string block)
    {
        var text = File.Exists(output) ? File.ReadAllText(output) : "";
        text = text.Contains(begin, StringComparison.Ordinal)
            ? text[..text.IndexOf(begin, StringComparison.Ordinal)] + block + text[(text.IndexOf(end, StringComparison.Ordinal) + end.Length)..]
            : text.TrimEnd() + "\n\n" + block + "\n";
        File.WriteAllText(output, text);
        Console.WriteLine(block);
    }

    public static double Median(List<double> samples)
    {
        samples.Sort();
        return samples.Count % 2 == 1 ? samples[samples.Count / 2] : (samples[samples.Count / 2 - 1] + samples[samples.Count / 2]) / 2;
    }
}

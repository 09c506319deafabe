namespace AddonProvider.Web.Inference;

/// <summary>
/// The embedded rerank backend: Okapi BM25 (k1 = 1.2, b = 0.75) over normalized tokens (lower-cased letters and
/// digits, common English stop words dropped, a light suffix stemmer so "pooling"/"pool" and "scaling"/"scale"
/// meet). A score is divided by the query's largest possible BM25 score (every term's idf × (k1 + 1)), which maps
/// it into 0..1 without changing the order. Lexical, not semantic: it cannot match synonyms.
/// Only the query's terms are ever materialised as strings; documents are scanned as spans.
/// </summary>
public static class Bm25Ranker
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const int MaxTokenLength = 64;

    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "into",
        "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those",
        "do", "does", "did", "i", "you", "we", "they", "he", "she", "my", "your", "our", "their",
        "how", "what", "which", "who", "when", "where", "why", "can", "could", "should", "would", "will", "there", "if", "so", "not", "no",
    ];
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>One relevance score in [0, 1] per document, in input order.</summary>
    public static double[] Score(string query, IReadOnlyList<string> documents)
    {
        var scorer = new Scorer(query, documents.Count);
        foreach (var document in documents) scorer.Add((document ?? "").AsSpan());
        return scorer.Scores();
    }

    /// <summary>
    /// Scores documents handed over one at a time (as a request body is read), keeping only each one's length and
    /// its counts of the query's terms: memory grows with documents × query terms, never with the documents' text.
    /// </summary>
    public sealed class Scorer
    {
        private readonly TermTable _lookup;
        private readonly int _q;
        private int[] _tf;
        private int[] _length;
        private long _totalLength;

        public int Count { get; private set; }

        public Scorer(string query, int expectedDocuments = 16)
        {
            var terms = new Dictionary<string, int>();
            Span<char> buffer = stackalloc char[MaxTokenLength];
            foreach (var token in Tokens(query, buffer, keepStopWords: false))
                terms.TryAdd(token, terms.Count);
            var stopWordQuery = terms.Count == 0;
            if (stopWordQuery) // a query made only of stop words still means something
                foreach (var token in Tokens(query, buffer, keepStopWords: true))
                    terms.TryAdd(token, terms.Count);

            // One hash probe per document token: the query's terms (their index) and, unless the query is made of them,
            // the stop words (-1), both in stemmed form.
            _q = terms.Count;
            var probe = new Dictionary<string, int>(terms);
            if (!stopWordQuery && _q > 0)
                foreach (var stop in StopWords) probe.TryAdd(new string(Stem(stop)), -1);
            _lookup = new TermTable(probe);
            expectedDocuments = Math.Clamp(expectedDocuments, 1, 1024);
            _tf = new int[expectedDocuments * _q];
            _length = new int[expectedDocuments];
        }

        /// <summary>Counts the query's terms in the next document.</summary>
        public void Add(ReadOnlySpan<char> document)
        {
            if (Count == _length.Length)
            {
                Array.Resize(ref _length, Count * 2);
                Array.Resize(ref _tf, Count * 2 * _q);
            }
            if (_q > 0)
            {
                Span<char> buffer = stackalloc char[MaxTokenLength];
                var n = ScanDocument(document, _lookup, _tf.AsSpan(Count * _q, _q), buffer);
                _length[Count] = n;
                _totalLength += n;
            }
            Count++;
        }

        /// <summary>One relevance score in [0, 1] per document added, in the order they were added.</summary>
        public double[] Scores()
        {
            var (q, documents, tf, length) = (_q, Count, _tf, _length);
            var scores = new double[documents];
            if (q == 0 || documents == 0) return scores;

            var df = new int[q];
            for (var d = 0; d < documents; d++)
                for (var t = 0; t < q; t++) if (tf[d * q + t] > 0) df[t]++;
            var avg = Math.Max(1.0, (double)_totalLength / documents);
            var idf = new double[q];
            double best = 0;
            for (var t = 0; t < q; t++)
            {
                idf[t] = Math.Log(1 + (documents - df[t] + 0.5) / (df[t] + 0.5));
                best += idf[t] * (K1 + 1);
            }
            for (var d = 0; d < documents; d++)
            {
                var norm = K1 * (1 - B + B * length[d] / avg);
                double s = 0;
                for (var t = 0; t < q; t++)
                {
                    var f = tf[d * q + t];
                    if (f > 0) s += idf[t] * f * (K1 + 1) / (f + norm);
                }
                scores[d] = best > 0 ? s / best : 0;
            }
            return scores;
        }
    }

    /// <summary>Counts the query terms in one document; returns its length in (non-stop-word) tokens.</summary>
    private static int ScanDocument(ReadOnlySpan<char> text, TermTable terms, Span<int> tf, Span<char> buffer)
    {
        var count = 0;
        var i = 0;
        while (NextToken(text, ref i, buffer, out var len))
        {
            if (!terms.TryGetValue(Stem(buffer[..len]), out var t)) count++;
            else if (t >= 0) { count++; tf[t]++; }
        }
        return count;
    }

    /// <summary>
    /// The query's terms and the stop words, looked up by span once per document token: open addressing over a table
    /// four times their number, with the framework's randomized string hash and no interface call per look-up (a
    /// dictionary's alternate lookup makes two; tiered compilation's profile removed them, and the web runs without it).
    /// </summary>
    private sealed class TermTable
    {
        private readonly string?[] _keys;
        private readonly int[] _values;
        private readonly int _mask;

        public TermTable(Dictionary<string, int> terms)
        {
            var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, terms.Count * 4));
            (_keys, _values, _mask) = (new string?[size], new int[size], size - 1);
            foreach (var (key, value) in terms)
            {
                var i = string.GetHashCode(key.AsSpan()) & _mask;
                while (_keys[i] is not null) i = (i + 1) & _mask;
                (_keys[i], _values[i]) = (key, value);
            }
        }

        public bool TryGetValue(ReadOnlySpan<char> key, out int value)
        {
            for (var i = string.GetHashCode(key) & _mask; _keys[i] is { } k; i = (i + 1) & _mask)
                if (key.SequenceEqual(k)) { value = _values[i]; return true; }
            value = 0;
            return false;
        }
    }

    private static List<string> Tokens(string text, Span<char> buffer, bool keepStopWords)
    {
        var list = new List<string>();
        var i = 0;
        while (NextToken(text, ref i, buffer, out var len))
        {
            var token = buffer[..len];
            if (!keepStopWords && StopLookup.Contains(token)) continue;
            list.Add(new string(Stem(token)));
        }
        return list;
    }

    /// <summary>The next run of letters/digits from <paramref name="i"/>, lower-cased into the buffer (long runs truncated).</summary>
    private static bool NextToken(ReadOnlySpan<char> text, ref int i, Span<char> buffer, out int length)
    {
        while (i < text.Length && !IsWordChar(text[i])) i++;
        length = 0;
        if (i >= text.Length) return false;
        while (i < text.Length && IsWordChar(text[i]))
        {
            var c = text[i++];
            if (length < buffer.Length) buffer[length++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c < 128 ? c : char.ToLowerInvariant(c);
        }
        return true;
    }

    private static bool IsWordChar(char c) => c < 128 ? char.IsAsciiLetterOrDigit(c) : char.IsLetterOrDigit(c);

    /// <summary>A light English suffix stripper; what matters is that query and documents are cut the same way.</summary>
    internal static ReadOnlySpan<char> Stem(ReadOnlySpan<char> w)
    {
        if (w.Length <= 3) return w;
        if (w.EndsWith("sses")) w = w[..^2];
        else if (w.Length > 4 && w.EndsWith("ies")) w = w[..^3]; // queries → quer, like query → quer below
        else if (w[^1] == 's' && w[^2] is not ('s' or 'u' or 'i')) w = w[..^1];

        if (w.Length > 5 && w.EndsWith("ing")) w = Undouble(w[..^3]);
        else if (w.Length >= 4 && w.EndsWith("ed")) w = Undouble(w[..^2]);
        else if (w.Length > 4 && w.EndsWith("ly")) w = w[..^2];

        if (w.Length > 3 && w[^1] is 'e' or 'y') w = w[..^1];
        return w;
    }

    private static ReadOnlySpan<char> Undouble(ReadOnlySpan<char> w) =>
        w.Length > 2 && w[^1] == w[^2] && w[^1] is not ('l' or 's' or 'z') && char.IsLetter(w[^1]) ? w[..^1] : w;
}

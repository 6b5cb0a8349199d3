using NexOS.Ai.Engine;

namespace NexOS.Ai.Models;

/// <summary>Priming from trained priors (<see cref="NexOS.Ai.Training.SchedulerTrainer"/>).</summary>
public abstract partial class SchedulerShadowModel : IPrimableModel
{
    /// <summary>Prefix of the calibration keys in the priors: "NAME.calibration." then the family.</summary>
    public string CalibrationPrefix => Name + ".calibration.";

    /// <summary>
    /// Takes each family's starting calibration from the value
    /// <c>NAME.calibration.FAMILY</c> (clamped to [0, 2], as learning keeps it); families
    /// without an entry, and entries that are not finite numbers, keep 1.
    /// </summary>
    public void Prime(ModelPriors priors)
    {
        string prefix = CalibrationPrefix;
        foreach ((string key, double value) in priors.Values)
        {
            if (key.Length <= prefix.Length || !key.StartsWith(prefix, StringComparison.Ordinal) || !double.IsFinite(value))
            {
                continue;
            }

            _calibration[FamilyIndex(key.Substring(prefix.Length))] = Math.Clamp(value, 0, 2);
        }
    }

    /// <inheritdoc/>
    public void Export(ModelPriors priors)
    {
        for (int i = 0; i < _families.Count; i++)
        {
            priors.AddValue(CalibrationPrefix + _families[i], _calibration[i]);
        }
    }
}

namespace Sensor.Detectors.Validators;

/// <summary>
/// US Social Security Number ranges (SSA, "SSN randomization", 2011): area 000, 666 and 900-999, group 00 and serial
/// 0000 were never issued; 078-05-1120 and 219-09-9999 are well-known advertising/specimen numbers.
/// </summary>
public static class UsSsn
{
    public static bool IsValid(int area, int group, int serial)
    {
        if (area is 0 or 666 || area >= 900 || group == 0 || serial == 0)
        {
            return false;
        }

        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }
}

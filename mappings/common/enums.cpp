#include "common/enums.hpp"

#include <array>

namespace ocpi::mappings::enums {

namespace {
#define SAME(v) enum_value{v, v}

constexpr std::array connector_types_211{
    SAME("CHADEMO"), SAME("DOMESTIC_A"), SAME("DOMESTIC_B"), SAME("DOMESTIC_C"), SAME("DOMESTIC_D"),
    SAME("DOMESTIC_E"), SAME("DOMESTIC_F"), SAME("DOMESTIC_G"), SAME("DOMESTIC_H"), SAME("DOMESTIC_I"),
    SAME("DOMESTIC_J"), SAME("DOMESTIC_K"), SAME("DOMESTIC_L"), SAME("IEC_60309_2_single_16"),
    SAME("IEC_60309_2_three_16"), SAME("IEC_60309_2_three_32"), SAME("IEC_60309_2_three_64"),
    SAME("IEC_62196_T1"), SAME("IEC_62196_T1_COMBO"), SAME("IEC_62196_T2"), SAME("IEC_62196_T2_COMBO"),
    SAME("IEC_62196_T3A"), SAME("IEC_62196_T3C"), SAME("TESLA_R"), SAME("TESLA_S"),
};
constexpr std::array connector_types_221{
    SAME("CHADEMO"), SAME("DOMESTIC_A"), SAME("DOMESTIC_B"), SAME("DOMESTIC_C"), SAME("DOMESTIC_D"),
    SAME("DOMESTIC_E"), SAME("DOMESTIC_F"), SAME("DOMESTIC_G"), SAME("DOMESTIC_H"), SAME("DOMESTIC_I"),
    SAME("DOMESTIC_J"), SAME("DOMESTIC_K"), SAME("DOMESTIC_L"), SAME("IEC_60309_2_single_16"),
    SAME("IEC_60309_2_three_16"), SAME("IEC_60309_2_three_32"), SAME("IEC_60309_2_three_64"),
    SAME("IEC_62196_T1"), SAME("IEC_62196_T1_COMBO"), SAME("IEC_62196_T2"), SAME("IEC_62196_T2_COMBO"),
    SAME("IEC_62196_T3A"), SAME("IEC_62196_T3C"), SAME("TESLA_R"), SAME("TESLA_S"),
    // Added in 2.2 / 2.2.1: no 2.1.1 plug type (§3.1.4, connector dropped).
    enum_value{"CHAOJI", ""}, enum_value{"DOMESTIC_M", ""}, enum_value{"DOMESTIC_N", ""},
    enum_value{"DOMESTIC_O", ""}, enum_value{"GBT_AC", ""}, enum_value{"GBT_DC", ""},
    enum_value{"NEMA_5_20", ""}, enum_value{"NEMA_6_30", ""}, enum_value{"NEMA_6_50", ""},
    enum_value{"NEMA_10_30", ""}, enum_value{"NEMA_10_50", ""}, enum_value{"NEMA_14_30", ""},
    enum_value{"NEMA_14_50", ""}, enum_value{"PANTOGRAPH_BOTTOM_UP", ""}, enum_value{"PANTOGRAPH_TOP_DOWN", ""},
};
constexpr std::array formats{SAME("SOCKET"), SAME("CABLE")};
constexpr std::array power_211{SAME("AC_1_PHASE"), SAME("AC_3_PHASE"), SAME("DC")};
constexpr std::array power_221{SAME("AC_1_PHASE"), SAME("AC_3_PHASE"), SAME("DC"),
                               enum_value{"AC_2_PHASE", "AC_1_PHASE"}, enum_value{"AC_2_PHASE_SPLIT", "AC_1_PHASE"}};
constexpr std::array token_211{SAME("OTHER"), SAME("RFID")};
constexpr std::array token_221{SAME("OTHER"), SAME("RFID"), enum_value{"AD_HOC_USER", "OTHER"},
                               enum_value{"APP_USER", "OTHER"}};
constexpr std::array auth_211{SAME("AUTH_REQUEST"), SAME("WHITELIST")};
constexpr std::array auth_221{SAME("AUTH_REQUEST"), SAME("WHITELIST"), enum_value{"COMMAND", "AUTH_REQUEST"}};
constexpr std::array days{SAME("MONDAY"), SAME("TUESDAY"), SAME("WEDNESDAY"), SAME("THURSDAY"),
                          SAME("FRIDAY"), SAME("SATURDAY"), SAME("SUNDAY")};
constexpr std::array energy_sources{SAME("NUCLEAR"), SAME("GENERAL_FOSSIL"), SAME("COAL"), SAME("GAS"),
                                    SAME("GENERAL_GREEN"), SAME("SOLAR"), SAME("WIND"), SAME("WATER")};
constexpr std::array impacts{SAME("NUCLEAR_WASTE"), SAME("CARBON_DIOXIDE")};
constexpr std::array images{SAME("CHARGER"), SAME("ENTRANCE"), SAME("LOCATION"), SAME("NETWORK"),
                            SAME("OPERATOR"), SAME("OTHER"), SAME("OWNER")};
#undef SAME
}  // namespace

const enum_map connector_type_up{"ConnectorType", connector_types_211};
const enum_map connector_type_down{"ConnectorType", connector_types_221};
const enum_map connector_format{"ConnectorFormat", formats};
const enum_map power_type_up{"PowerType", power_211};
const enum_map power_type_down{"PowerType", power_221};
const enum_map token_type_up{"TokenType", token_211};
const enum_map token_type_down{"TokenType", token_221};
const enum_map auth_method_up{"AuthMethod", auth_211};
const enum_map auth_method_down{"AuthMethod", auth_221};
const enum_map day_of_week{"DayOfWeek", days};
const enum_map energy_source_category{"EnergySourceCategory", energy_sources};
const enum_map environmental_impact_category{"EnvironmentalImpactCategory", impacts};
const enum_map image_category{"ImageCategory", images};

}  // namespace ocpi::mappings::enums

export const awardScenarios = {};
